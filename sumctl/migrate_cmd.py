"""``sumctl migrate``: create the database if needed and apply pending migrations."""

from __future__ import annotations

import argparse
import asyncio

from shared.config import CommonSettings, load_settings
from shared.db.migrate import ensure_database, migrate


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("migrate", help="apply database migrations")
    cmd.add_argument("--create", action="store_true", help="create the database if missing")
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    dsn = load_settings(CommonSettings).dsn()

    async def go() -> list[int]:
        if args.create:
            await ensure_database(dsn)
        return await migrate(dsn)

    applied = asyncio.run(go())
    print(f"applied {len(applied)} migration(s): {applied}" if applied else "schema is up to date")
    return 0
