"""Monitor settings groups read from ``<prefix><FIELD NAME IN CAPITALS>`` variables.

Unlike ``shared.config.load_settings`` (one ``SUM_`` prefix, exits on a bad value), each group
here has a prefix of its own, treats a blank variable as unset and raises ``ValueError``.
"""

import os
from collections.abc import Mapping
from typing import TypeVar, get_origin

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def struct_from_env(
    cls: type[S], prefix: str, what: str, environ: Mapping[str, str] | None = None
) -> S:
    """Build ``cls``; tuple and list fields are comma-separated. ``what`` names the group in
    the ``ValueError`` raised for a malformed value."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for field in msgspec.structs.fields(cls):
        raw = env.get(prefix + field.name.upper(), "").strip()
        if not raw:
            continue
        if get_origin(field.type) in (tuple, list):
            values[field.name] = [item.strip() for item in raw.split(",") if item.strip()]
        else:
            values[field.name] = raw
    try:
        return msgspec.convert(values, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid {what}: {exc}") from exc
