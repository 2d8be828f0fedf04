"""Plumbing shared by the commands: the ``--json`` flag, exit codes for errors, the version."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from sumctl.exit_codes import CliError
from sumctl.output import print_json

INTERRUPTED = 130  # the shell's convention for Ctrl-C


def sum_version() -> str:
    """The installed ``sum-platform`` version; ``dev`` when running from a source tree."""
    try:
        return importlib.metadata.version("sum-platform")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON on stdout (for scripts)")


def run_command(args: argparse.Namespace, command: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run ``command``; a ``CliError`` is printed on stderr (and as JSON with ``--json``)."""
    try:
        return asyncio.run(command())
    except CliError as exc:
        print(f"sumctl: {exc.message}", file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"error": {"message": exc.message}, "exit_code": exc.code})
        return exc.code
    except KeyboardInterrupt:
        print("sumctl: interrupted", file=sys.stderr)
        return INTERRUPTED
