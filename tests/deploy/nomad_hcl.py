"""Nomad job files through python-hcl2, in a plain shape: quotes and markers removed."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import hcl2

_HEREDOC = re.compile(r"^<<(-?)([A-Z]+)\n(.*)\n\s*\2$", re.DOTALL)
_MARKERS = {"__is_block__", "__comments__"}


def load(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        parsed: dict[str, Any] = hcl2.load(handle)
    result: dict[str, Any] = plain(parsed)
    return result


def plain(value: Any) -> Any:
    """Unquote strings, dedent heredocs, drop python-hcl2's bookkeeping keys."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items() if k not in _MARKERS}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        heredoc = _HEREDOC.match(value)
        if heredoc:
            body = heredoc.group(3)
            return textwrap.dedent(body) if heredoc.group(1) else body
        return value
    return value


def labelled(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """[{"gateway": {...}}, {"ingest": {...}}] -> {"gateway": {...}, "ingest": {...}}."""
    merged: dict[str, dict[str, Any]] = {}
    for block in blocks:
        for name, body in block.items():
            assert name not in merged, f"block {name!r} declared twice"
            merged[name] = body
    return merged


def only(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The single unlabelled block of a kind (update, config, resources, ...)."""
    assert len(blocks) == 1, f"expected one block, found {len(blocks)}"
    return blocks[0]
