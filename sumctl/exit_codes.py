"""Exit codes of ``sumctl``: stable, so that scripts can branch on them.

| code | meaning |
|---|---|
| 0 | everything asked for succeeded |
| 1 | part of a batch failed (an upload rejected, a document failed, a backup with problems) |
| 2 | usage: bad arguments, configuration or input paths |
| 3 | the gateway refused the API key (401/403) |
| 4 | not found (no document with this id) |
| 5 | unreachable: the gateway, database or NATS did not answer |
| 6 | the server answered with an unexpected error (5xx, malformed answer) |
| 7 | ``--wait`` gave up before every document was finished |
| 8 | a backup is incomplete or a file does not match its checksum |
| 9 | refused: the command would overwrite or mix data (use ``--force`` where offered) |
"""

from __future__ import annotations

OK = 0
FAILURES = 1
USAGE = 2
AUTH = 3
NOT_FOUND = 4
UNREACHABLE = 5
SERVER_ERROR = 6
TIMEOUT = 7
INTEGRITY = 8
REFUSED = 9


class CliError(Exception):
    """Ends a command with a message for the user and one of the exit codes above."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
