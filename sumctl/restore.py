"""``sumctl restore DIR``: verify every file of a backup, then restore the objects and the database.

Nothing is changed before every checksum has matched. Objects go first (re-uploading one that is
already there with the same digest is skipped), then pg_restore in a single transaction, so the
database never references an object that is not back yet and a failed restore leaves no half.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import asyncpg

from shared.config import CommonSettings, load_settings
from shared.db.migrate import ensure_database
from shared.events.catalog import Names
from shared.messaging.topology import ensure_topology
from sumctl import manifest as mf
from sumctl import stores
from sumctl.exit_codes import FAILURES, INTEGRITY, OK, REFUSED, UNREACHABLE, CliError
from sumctl.output import print_json
from sumctl.pg_tools import ToolFailed, find_tool, run_tool
from sumctl.progress import Display, Transfer
from sumctl.running import add_json_flag, run_command

RESTORE_ARGS = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("restore", help="restore a backup made by 'sumctl backup'")
    cmd.add_argument("directory", type=Path, metavar="DIR", help="the backup directory")
    cmd.add_argument(
        "--force", action="store_true", help="restore even though the database has documents"
    )
    cmd.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    add_json_flag(cmd)
    cmd.set_defaults(run=run)


async def _check_target(conn: asyncpg.Connection, manifest: mf.Manifest, force: bool) -> None:
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is not None:
        have = {r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        newer = sorted(have - set(manifest.versions.migrations))
        if newer:
            raise CliError(
                REFUSED,
                f"the database has migrations the backup lacks ({newer}); "
                "restore into an empty database",
            )
    if await conn.fetchval("SELECT to_regclass('documents')") is not None:
        count = await conn.fetchval("SELECT count(*) FROM documents")
        if count and not force:
            raise CliError(
                REFUSED, f"the database holds {count} document(s); use --force to replace them"
            )


async def _restore_objects(
    settings: CommonSettings, directory: Path, manifest: mf.Manifest, show: Display
) -> int:
    """Upload every object the backup holds; returns how many were already there."""
    transfer = show.lines[0]
    assert isinstance(transfer, Transfer)
    nc = await stores.connect_bus(settings.nats_url)
    present = 0
    try:
        store = await ensure_topology(
            nc.jetstream(), Names(settings.namespace), replicas=settings.nats_replicas
        )
        for entry in manifest.objects:
            if await stores.stored_digest(store, entry.name) == (entry.size, entry.sha256):
                present += 1
            else:
                stored = await stores.upload(store, entry.name, directory / entry.path)
                if stored != (entry.size, entry.sha256):
                    raise CliError(INTEGRITY, f"object {entry.name!r} changed while restoring")
            transfer.sent_bytes += entry.size
            transfer.done_files += 1
            show.update()
    finally:
        await nc.close()
    return present


async def restore_backup(
    directory: Path, settings: CommonSettings, *, force: bool, show_progress: bool
) -> dict:
    manifest = mf.read_manifest(directory)
    problems = await mf.verify(directory, manifest)
    if problems:
        listed = "\n  ".join(problems[:20])
        raise CliError(INTEGRITY, f"the backup failed verification; nothing changed:\n  {listed}")
    tool = find_tool("pg_restore")
    dsn = settings.dsn()
    try:
        await ensure_database(dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise CliError(UNREACHABLE, f"cannot create or reach the database: {exc}") from None
    conn = await stores.connect_db(dsn)
    try:
        await _check_target(conn, manifest, force)
    finally:
        await conn.close()
    total = manifest.counts.object_bytes
    transfer = Transfer(total, len(manifest.objects), label="objects")
    show = Display(transfer, enabled=False if not show_progress else None)
    present = await _restore_objects(settings, directory, manifest, show)
    show.close()
    try:
        await run_tool(tool, [*RESTORE_ARGS, str(directory / manifest.database.path)], dsn)
    except ToolFailed as exc:
        raise CliError(FAILURES, f"pg_restore failed, the database is unchanged: {exc}") from None
    conn = await stores.connect_db(dsn)
    try:
        documents = await conn.fetchval("SELECT count(*) FROM documents")
    finally:
        await conn.close()
    if documents != manifest.counts.documents:
        raise CliError(
            FAILURES,
            f"restored {documents} document(s), the backup holds {manifest.counts.documents}",
        )
    return {
        "documents": documents,
        "objects": len(manifest.objects),
        "objects_already_present": present,
        "schema": manifest.versions.schema,
        "backup_started_at": manifest.started_at.isoformat(),
        "in_flight_at_backup": manifest.counts.in_flight,
        "backup_problems": manifest.problems,
    }


async def restore(args: argparse.Namespace) -> int:
    settings = load_settings(CommonSettings)
    summary = await restore_backup(
        args.directory, settings, force=args.force, show_progress=not args.no_progress
    )
    if args.json:
        print_json({**summary, "exit_code": OK})
    else:
        print(
            f"restored {summary['documents']} document(s) and {summary['objects']} object(s) "
            f"from the backup of {summary['backup_started_at']}"
        )
    for problem in summary["backup_problems"]:
        print(f"sumctl: the backup recorded a problem: {problem}", file=sys.stderr)
    return OK


def run(args: argparse.Namespace) -> int:
    return run_command(args, lambda: restore(args))
