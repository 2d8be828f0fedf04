"""``make bench``: run every benchmark module in this folder, one after another."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main() -> None:
    selected = set(sys.argv[1:])
    for path in sorted(Path(__file__).parent.glob("*_bench.py")):
        if selected and path.stem not in selected:
            continue
        print(f"# {path.stem}", flush=True)
        runpy.run_path(str(path), run_name="__main__")


if __name__ == "__main__":
    main()
