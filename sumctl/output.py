"""What ``sumctl`` prints: aligned tables for people, JSON (``--json``) for scripts."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import Any


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def one_line(text: Any, width: int) -> str:
    """Whitespace collapsed, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(str(text if text is not None else "").split())
    return flat if len(flat) <= width else flat[: max(width - 1, 0)] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, flexible: int = -1) -> str:
    """Columns padded to their widest cell; on a terminal the ``flexible`` column is cut to fit."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    if rows and sys.stdout.isatty():
        index = flexible % len(headers)
        others = sum(w + 2 for i, w in enumerate(widths) if i != index)
        room = max(shutil.get_terminal_size((120, 24)).columns - others, 20)
        widths[index] = min(widths[index], room)
        for r in cells:
            r[index] = one_line(r[index], room)
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)
