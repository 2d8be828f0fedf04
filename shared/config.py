"""Settings read once from ``SUM_*`` environment variables.

Each service declares a msgspec Struct of its settings (inheriting ``CommonSettings``); a field
``foo_bar`` is read from ``SUM_FOO_BAR``. A ``SUM_FOO_BAR_FILE`` variable names a file whose content
is used instead, so that secrets can come from mounted files rather than the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import msgspec

PREFIX = "SUM_"

S = TypeVar("S", bound=msgspec.Struct)


class CommonSettings(msgspec.Struct, kw_only=True):
    nats_url: str = "nats://127.0.0.1:4222"
    database_url: str = "postgresql://postgres@127.0.0.1:5432/sum"
    database_password: str | None = None
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Connections per process; more than the busiest moment's concurrent queries is waste.
    db_pool_size: int = 10
    # Prefix of every subject, stream, consumer and bucket: lets test runs and several
    # installations share one NATS server without colliding.
    namespace: str = "sum"
    # Copies JetStream keeps of every stream and of the uploads bucket: 1 on a single server,
    # 3 on a three-node cluster. Existing streams are brought to this count at start-up.
    nats_replicas: Annotated[int, msgspec.Meta(ge=1, le=5)] = 1
    auto_migrate: bool = True
    log_level: str = "INFO"
    shutdown_timeout: float = 15.0
    host: str = "127.0.0.1"

    def dsn(self) -> str:
        """The database URL with the password from ``SUM_DATABASE_PASSWORD(_FILE)`` filled in."""
        if not self.database_password:
            return self.database_url
        parts = urlsplit(self.database_url)
        user = parts.username or "postgres"
        host = parts.hostname or "127.0.0.1"
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{quote(user)}:{quote(self.database_password)}@{host}{port}"
        return urlunsplit(parts._replace(netloc=netloc))


def load_settings(cls: type[S], environ: Mapping[str, str] | None = None) -> S:
    """Build ``cls`` from the environment; unknown variables are ignored, bad values raise."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    for field in msgspec.structs.fields(cls):
        key = PREFIX + field.name.upper()
        if key in env:
            values[field.name] = env[key]
        elif key + "_FILE" in env:
            values[field.name] = Path(env[key + "_FILE"]).read_text().strip()
    try:
        return msgspec.convert(values, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise SystemExit(f"invalid settings: {exc}") from None
