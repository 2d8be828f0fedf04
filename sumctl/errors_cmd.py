"""``sumctl errors [--since 1h]``: what failed recently, by stage and error type.

Counts come from the dead-letter stream (every message a stage gave up on, with its error type)
and from the documents table (documents marked failed in the window, by stage).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from shared.messaging import dlq_store
from sumctl.dlq import connections, run_reporting_errors

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_window(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a window like 30m, 6h or 7d")
    return timedelta(seconds=int(match[1]) * UNITS[match[2]])


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("errors", help="error counts by stage and type over a recent window")
    cmd.add_argument("--since", type=parse_window, default=timedelta(hours=1), help="e.g. 30m, 6h")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")
    cmd.set_defaults(run=run)


async def error_counts(window: timedelta) -> dict[str, object]:
    since = datetime.now(UTC) - window
    async with connections(with_database=True) as c:
        letters = await dlq_store.list_letters(c.js, c.names, since=since)
        assert c.pool is not None
        rows = await c.pool.fetch(
            """SELECT failed_stage, count(*) AS n FROM documents
               WHERE status = 'failed' AND updated_at >= $1 GROUP BY failed_stage""",
            since,
        )
    by_type = Counter(
        (s.letter.stage, s.letter.error_type) for s in letters if s.letter.failed_at >= since
    )
    return {
        "since": since.isoformat(),
        "dead_letters": [
            {"stage": stage, "error_type": error_type, "count": n}
            for (stage, error_type), n in by_type.most_common()
        ],
        "failed_documents": {str(r["failed_stage"]): int(r["n"]) for r in rows},
    }


def run(args: argparse.Namespace) -> int:
    counts: dict[str, object] = {}

    async def collect() -> int:
        counts.update(await error_counts(args.since))
        return 0

    if run_reporting_errors(collect()):
        return 1
    if args.json:
        print(json.dumps(counts, indent=2))
        return 0
    print(f"errors since {counts['since']}")
    print(f"{'STAGE':10}  {'ERROR TYPE':28}  COUNT")
    for row in counts["dead_letters"]:  # type: ignore[attr-defined]
        print(f"{row['stage']:10}  {row['error_type']:28}  {row['count']}")
    print("failed documents by stage:", counts["failed_documents"] or "none")
    return 0
