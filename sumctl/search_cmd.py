"""``sumctl search QUERY``: full-text search over processed documents (``GET /v1/search``)."""

from __future__ import annotations

import argparse
from typing import Any

from sumctl import config_file
from sumctl.client import GatewayClient
from sumctl.exit_codes import OK, USAGE, CliError
from sumctl.output import print_json, table
from sumctl.running import add_json_flag, run_command

MAX_PAGES = 1000  # --all stops here rather than follow a cursor that never ends


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("search", help="search documents by their text")
    cmd.add_argument("query", metavar="QUERY", help="words to look for")
    cmd.add_argument("--limit", type=int, help="results per page (the gateway's default if unset)")
    cmd.add_argument("--cursor", help="continue from a previous answer's next_cursor")
    cmd.add_argument("--all", action="store_true", help="follow next_cursor to the last page")
    add_json_flag(cmd)
    config_file.add_client_flags(cmd)
    cmd.set_defaults(run=run)


async def search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise CliError(USAGE, "the query is empty")
    if args.limit is not None and args.limit < 1:
        raise CliError(USAGE, "--limit must be at least 1")
    results: list[dict[str, Any]] = []
    cursor = args.cursor
    async with GatewayClient(config_file.resolve(args)) as client:
        for _ in range(MAX_PAGES):
            page = await client.search(args.query, args.limit, cursor)
            results.extend(r for r in page["results"] if isinstance(r, dict))
            cursor = page.get("next_cursor")
            if not (args.all and cursor):
                break
    if args.json:
        print_json({"results": results, "next_cursor": cursor})
        return OK
    if not results:
        print("no documents match")
        return OK
    rows = [
        (r.get("rank", ""), r.get("id", ""), r.get("filename", ""), r.get("snippet", ""))
        for r in results
    ]
    print(table(("RANK", "ID", "FILE", "SNIPPET"), rows))
    if cursor:
        print(f"\nmore results: sumctl search {args.query!r} --cursor {cursor}")
    return OK


def run(args: argparse.Namespace) -> int:
    return run_command(args, lambda: search(args))
