"""``sumctl status ID``: a document's status and, once processed, its summary and keywords."""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from sumctl import config_file
from sumctl.client import GatewayClient
from sumctl.exit_codes import FAILURES, OK, TIMEOUT
from sumctl.output import print_json
from sumctl.progress import human_bytes
from sumctl.running import add_json_flag, run_command
from sumctl.waiting import IN_FLIGHT, POLL_INTERVAL


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("status", help="show a document's status, summary and keywords")
    cmd.add_argument("id", metavar="ID", help="document id (from upload)")
    cmd.add_argument("--wait", action="store_true", help="wait until processed or failed")
    cmd.add_argument("--wait-timeout", type=float, default=600.0, help="seconds (default 600)")
    add_json_flag(cmd)
    config_file.add_client_flags(cmd)
    cmd.set_defaults(run=run)


def describe(view: dict[str, Any]) -> str:
    keywords = ", ".join(str(k.get("term")) for k in view.get("keywords") or [])
    size = view.get("size")
    fields = [
        ("id", view.get("id")),
        ("file", f"{view.get('filename')} ({view.get('kind')}, {human_bytes(size or 0)})"),
        ("status", view.get("status")),
        ("created", view.get("created_at")),
        ("updated", view.get("updated_at")),
        ("sha256", view.get("sha256")),
        ("failed in", view.get("failed_stage")),
        ("reason", view.get("failure_reason")),
        ("summary", view.get("summary")),
        ("keywords", keywords or None),
    ]
    return "\n".join(f"{name:<9} {value}" for name, value in fields if value not in (None, ""))


async def status(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.wait_timeout
    async with GatewayClient(config_file.resolve(args)) as client:
        view = await client.document(args.id)
        while args.wait and view.get("status") in IN_FLIGHT and time.monotonic() < deadline:
            await asyncio.sleep(POLL_INTERVAL)
            view = await client.document(args.id)
    if args.json:
        print_json(view)
    else:
        print(describe(view))
    if view.get("status") == "failed":
        return FAILURES
    if args.wait and view.get("status") in IN_FLIGHT:
        return TIMEOUT
    return OK


def run(args: argparse.Namespace) -> int:
    return run_command(args, lambda: status(args))
