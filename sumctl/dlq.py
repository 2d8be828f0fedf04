"""``sumctl dlq list | show ID | replay ID|--all [--stage S] | purge [--stage S] --yes``.

IDs are sequence numbers in the dead-letter stream, as ``list`` prints them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import nats
from nats.js import JetStreamContext

from shared.config import CommonSettings, load_settings
from shared.events.catalog import Names
from shared.messaging import dlq_store

ROW = "{:>6}  {:9}  {:22}  {:>3}  {:36}  {:19}  {}"


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("dlq", help="inspect, replay and purge dead letters")
    actions = cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list dead letters")
    listing.add_argument("--stage", help="only this stage (ingest, processor)")
    show = actions.add_parser("show", help="show one dead letter in full")
    show.add_argument("id", type=int)
    replay = actions.add_parser("replay", help="republish to the original subject")
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?")
    target.add_argument("--all", action="store_true", help="every dead letter not yet replayed")
    replay.add_argument("--stage", help="with --all: only this stage")
    purge = actions.add_parser("purge", help="delete dead letters for good")
    purge.add_argument("--stage", help="only this stage")
    purge.add_argument("--yes", action="store_true", help="confirm; nothing is deleted without it")
    cmd.set_defaults(run=run)


@dataclass
class Connections:
    js: JetStreamContext
    pool: asyncpg.Pool | None
    names: Names


@asynccontextmanager
async def connections(with_database: bool = False) -> AsyncIterator[Connections]:
    settings = load_settings(CommonSettings)

    async def quiet(exc: Exception) -> None:
        """The client would print a traceback per attempt; the command reports one line."""

    nc = await nats.connect(
        settings.nats_url.split(","),
        connect_timeout=5,
        allow_reconnect=False,
        max_reconnect_attempts=1,
        error_cb=quiet,
    )
    pool = None
    try:
        if with_database:
            pool = await asyncpg.create_pool(settings.dsn(), min_size=1, max_size=2)
        yield Connections(nc.jetstream(), pool, Names(settings.namespace))
    finally:
        if pool is not None:
            await pool.close()
        await nc.close()


def _payload_text(payload: bytes) -> object:
    try:
        return json.loads(payload)
    except ValueError:
        return {"base64": base64.b64encode(payload).decode()}


async def _list(args: argparse.Namespace) -> int:
    async with connections() as c:
        letters = await dlq_store.list_letters(c.js, c.names, args.stage)
    print(ROW.format("ID", "STAGE", "ERROR", "DLV", "DOCUMENT", "FAILED AT", "REPLAYED AS"))
    for s in letters:
        letter = s.letter
        print(
            ROW.format(
                s.sequence,
                letter.stage,
                letter.error_type[:22],
                letter.deliveries,
                letter.document_id or "-",
                f"{letter.failed_at:%Y-%m-%d %H:%M:%S}",
                s.replayed_as or "-",
            )
        )
    print(f"{len(letters)} dead letter(s)")
    return 0


async def _show(args: argparse.Namespace) -> int:
    async with connections() as c:
        stored = await dlq_store.get_letter(c.js, c.names, args.id)
    letter = stored.letter
    view = {
        "id": stored.sequence,
        "stage": letter.stage,
        "original_subject": letter.original_subject,
        "stream_sequence": letter.stream_sequence,
        "deliveries": letter.deliveries,
        "error_type": letter.error_type,
        "error_message": letter.error_message,
        "document_id": letter.document_id,
        "trace_id": letter.trace_id,
        "failed_at": letter.failed_at.isoformat(),
        "headers": letter.headers,
        "payload": _payload_text(letter.payload),
    }
    print(json.dumps(view, indent=2))
    return 0


async def _replay(args: argparse.Namespace) -> int:
    async with connections(with_database=True) as c:
        if args.all:
            letters = [
                s
                for s in await dlq_store.list_letters(c.js, c.names, args.stage)
                if s.replayed_as is None
            ]
        else:
            letters = [await dlq_store.get_letter(c.js, c.names, args.id)]
        for stored in letters:
            record = await dlq_store.replay(c.js, c.pool, c.names, stored)
            reset = " (document reset to be retried)" if record.document_reset else ""
            print(f"replayed {stored.sequence} as {record.new_msg_id}{reset}")
    print(f"{len(letters)} dead letter(s) replayed")
    return 0


async def _purge(args: argparse.Namespace) -> int:
    if not args.yes:
        print("sumctl: purge deletes dead letters for good; add --yes to confirm")
        return 2
    async with connections() as c:
        await dlq_store.purge(c.js, c.names, args.stage)
    print(f"purged dead letters{' of ' + args.stage if args.stage else ''}")
    return 0


ACTIONS = {"list": _list, "show": _show, "replay": _replay, "purge": _purge}


def run(args: argparse.Namespace) -> int:
    return run_reporting_errors(ACTIONS[args.action](args))


def run_reporting_errors(command: Coroutine[Any, Any, int]) -> int:
    """Run a command; unreachable servers and unknown ids are one clear line, not a traceback."""
    try:
        return asyncio.run(command)
    except (LookupError, dlq_store.ReplayRefused) as exc:
        print(f"sumctl: {exc}")
        return 1
    except (OSError, nats.errors.Error, asyncpg.PostgresError) as exc:
        print(f"sumctl: cannot reach NATS or PostgreSQL: {exc}")
        return 1
