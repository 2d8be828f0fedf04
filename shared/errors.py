"""The error vocabulary shared by every service.

The *type* of an exception decides what happens to a message (see shared.messaging.outcomes):
retry later, or give up and dead-letter it. Never decide that from an error string.
"""


class SumError(Exception):
    """Base class for the platform's own errors."""


class RetryableError(SumError):
    """A transient failure (a dependency is down, a timeout): try the message again later."""


class PermanentError(SumError):
    """The message can never succeed as it is (bad payload, missing document): dead-letter it."""
