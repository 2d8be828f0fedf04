"""Settings read once from ``SUM_*`` environment variables, by the one reader ``load_settings``.

Each service declares a msgspec Struct of its settings (inheriting ``CommonSettings``); a field
``foo_bar`` is read from ``SUM_FOO_BAR``. A ``SUM_FOO_BAR_FILE`` variable names a file whose content
is used instead, so that secrets can come from mounted files rather than the environment. A blank
value counts as unset (compose's ``${VAR:-}`` passes blanks); list and tuple fields are comma
separated.

A field whose type is itself a settings Struct is a *group*, read from the same environment with
the group's ``env_prefix`` after ``SUM_`` (``SUM_MONITOR_ALERT_WEBHOOK`` for the ``webhook`` field
of a group with ``env_prefix = "MONITOR_ALERT_"``): library code takes its group, the service's
composition root reads the whole tree once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_origin
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
    """Build ``cls`` from the environment; unknown variables are ignored, a bad value stops the
    process with a message naming the setting (SystemExit)."""
    env = os.environ if environ is None else environ
    try:
        return msgspec.convert(_values(cls, env, PREFIX), cls, strict=False)
    except msgspec.ValidationError as exc:
        raise SystemExit(f"invalid settings: {exc}") from None


def _values(cls: type[msgspec.Struct], env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in msgspec.structs.fields(cls):
        if isinstance(field.type, type) and issubclass(field.type, msgspec.Struct):
            group_prefix = PREFIX + getattr(field.type, "env_prefix", "")
            values[field.name] = _values(field.type, env, group_prefix)
            continue
        raw = _raw(env, prefix + field.name.upper())
        if raw is None:
            continue
        if get_origin(field.type) in (tuple, list):
            values[field.name] = [item.strip() for item in raw.split(",") if item.strip()]
        else:
            values[field.name] = raw
    return values


def _raw(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key, "").strip()
    if not value and env.get(key + "_FILE", "").strip():
        value = Path(env[key + "_FILE"].strip()).read_text().strip()
    return value or None
