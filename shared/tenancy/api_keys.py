"""API keys: ``sum_`` + 43 url-safe characters (256 random bits), stored only as a SHA-256 hash.

A plain SHA-256 is the right hash here: a key carries 256 bits of entropy, so there is nothing to
brute-force and a slow password hash would only cost CPU on every request. The first
``PUBLIC_PREFIX_CHARS`` characters are stored in clear as the key's public prefix: it identifies
a key in listings and logs, and lets the server find the candidate row before comparing hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import msgspec

from shared.errors import PermanentError

KEY_SCHEME = "sum_"
_TOKEN_BYTES = 32
PUBLIC_PREFIX_CHARS = len(KEY_SCHEME) + 8  # "sum_" + 48 bits: unique enough to index
_KEY_PATTERN = re.compile(r"sum_[A-Za-z0-9_-]{43}")


class MalformedAuthorization(PermanentError):
    """The Authorization header is present but is not ``Bearer sum_…``."""


class NewApiKey(msgspec.Struct, frozen=True, kw_only=True):
    secret: str  # show once to its owner, never store or log
    prefix: str
    secret_hash: str

    def __repr__(self) -> str:
        return f"NewApiKey(prefix={self.prefix!r}, secret=<hidden>)"


class ApiKeyRecord(msgspec.Struct, frozen=True, kw_only=True):
    """What is stored about a key (one table row)."""

    id: str
    tenant_id: str
    name: str
    prefix: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def generate_api_key() -> NewApiKey:
    secret = KEY_SCHEME + secrets.token_urlsafe(_TOKEN_BYTES)
    return NewApiKey(secret=secret, prefix=public_prefix(secret), secret_hash=hash_api_key(secret))


def hash_api_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def public_prefix(secret: str) -> str:
    return secret[:PUBLIC_PREFIX_CHARS]


def looks_like_api_key(candidate: str) -> bool:
    return _KEY_PATTERN.fullmatch(candidate) is not None


def verify_api_key(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_api_key(secret), stored_hash)


def find_matching_key(secret: str, candidates: list[ApiKeyRecord]) -> ApiKeyRecord | None:
    """The active record (among those sharing the key's prefix) that the secret belongs to."""
    presented = hash_api_key(secret)
    match = None
    for record in candidates:
        # Compare against every candidate so timing does not reveal which one matched.
        if hmac.compare_digest(presented, record.secret_hash) and record.active:
            match = record
    return match


def parse_bearer(authorization: str | None) -> str | None:
    """The API key in ``Authorization: Bearer sum_…``; None when the header is absent.

    Raises MalformedAuthorization when the header is present but unusable; the message never
    repeats the header's value, which may be a mistyped secret.
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise MalformedAuthorization("the Authorization header must use the Bearer scheme")
    token = token.strip()
    if not looks_like_api_key(token):
        raise MalformedAuthorization("the bearer token is not a SUM API key (sum_…)")
    return token
