"""``sumctl`` entry point: one subcommand per module in this package."""

from __future__ import annotations

import argparse
import sys

from shared.cli import dev, dlq, errors_cmd, migrate_cmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sumctl", description="Operate the SUM platform.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (migrate_cmd, dev, dlq, errors_cmd):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args) or 0)


if __name__ == "__main__":
    main()
