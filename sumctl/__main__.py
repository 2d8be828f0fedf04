"""``sumctl`` entry point: one subcommand per module in this package."""

from __future__ import annotations

import argparse
import sys

from sumctl import (
    backup,
    dev,
    dlq,
    errors_cmd,
    keys,
    migrate_cmd,
    restore,
    search_cmd,
    status_cmd,
    upload,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sumctl", description="Operate the SUM platform.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands_in_help_order = (
        upload,
        status_cmd,
        search_cmd,
        keys,
        dlq,
        errors_cmd,
        backup,
        restore,
        migrate_cmd,
        dev,
    )
    for module in commands_in_help_order:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args) or 0)


if __name__ == "__main__":
    main()
