"""``sumctl upload PATH…``: send files (directories are walked) concurrently, optionally ``--wait``
until each is processed or failed, then print one line per file and the totals."""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sumctl import config_file
from sumctl.client import GatewayClient
from sumctl.exit_codes import FAILURES, OK, TIMEOUT, USAGE, CliError
from sumctl.multipart_body import CONTENT_TYPES
from sumctl.output import print_json, table
from sumctl.progress import Display, Pipeline, Transfer, human_bytes
from sumctl.running import add_json_flag, run_command
from sumctl.waiting import follow_documents

FINISHED = ("processed", "failed", "rejected")


@dataclass
class Item:
    path: Path
    size: int
    id: str | None = None
    sha256: str | None = None
    status: str = "pending"  # → received/ingested/processed/failed, or rejected by the gateway
    error: str | None = None
    summary: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("upload", help="upload documents (files or directories)")
    cmd.add_argument("paths", nargs="+", metavar="PATH", help="files, or directories to walk")
    cmd.add_argument("--wait", action="store_true", help="wait until each is processed or failed")
    cmd.add_argument("--wait-timeout", type=float, default=600.0, help="seconds (default 600)")
    cmd.add_argument("-j", "--concurrency", type=int, default=4, help="parallel uploads (4)")
    cmd.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    add_json_flag(cmd)
    config_file.add_client_flags(cmd)
    cmd.set_defaults(run=run)


def collect(paths: list[str]) -> tuple[list[Path], list[Path]]:
    """Files to send and files skipped; a directory contributes its supported, non-hidden files."""
    chosen: dict[Path, Path] = {}
    skipped: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if hidden or not found.is_file():
                    continue
                if found.suffix.lower().lstrip(".") in CONTENT_TYPES:
                    chosen.setdefault(found.resolve(), found)
                else:
                    skipped.append(found)
        elif path.is_file():
            chosen.setdefault(path.resolve(), path)  # named explicitly: the gateway decides
        elif path.exists():
            raise CliError(USAGE, f"{raw}: not a regular file or directory")
        else:
            raise CliError(USAGE, f"{raw}: no such file or directory")
    return list(chosen.values()), skipped


async def _upload_all(
    client: GatewayClient, items: list[Item], concurrency: int, transfer: Transfer, show: Display
) -> None:
    slots = asyncio.Semaphore(concurrency)

    def sent(n: int) -> None:
        transfer.sent_bytes += n
        show.update()

    async def one(item: Item) -> None:
        async with slots:
            try:
                answer = await client.upload(item.path, item.size, sent)
            except CliError as exc:
                if exc.code != FAILURES:
                    raise  # auth, unreachable, server error: the whole batch would fail alike
                item.status, item.error = "rejected", exc.message
            else:
                item.id, item.sha256 = str(answer["id"]), answer.get("sha256")
                item.status = str(answer.get("status") or "received")
            transfer.done_files += 1
            show.update()

    try:
        async with asyncio.TaskGroup() as group:
            for item in items:
                group.create_task(one(item))
    except* CliError as failed:
        raise failed.exceptions[0] from None


async def upload(args: argparse.Namespace) -> int:
    if args.concurrency < 1:
        raise CliError(USAGE, "--concurrency must be at least 1")
    files, skipped = collect(args.paths)
    if not files:
        supported = ", ".join(CONTENT_TYPES)
        raise CliError(USAGE, f"no documents to upload (supported types: {supported})")
    items = [Item(path=f, size=f.stat().st_size) for f in files]
    transfer = Transfer(sum(i.size for i in items), len(items))
    pipeline = Pipeline(total=len(items))
    lines: tuple[Transfer | Pipeline, ...] = (transfer, pipeline) if args.wait else (transfer,)
    show = Display(*lines, enabled=False if args.no_progress else None)
    async with GatewayClient(config_file.resolve(args)) as client:
        uploads = asyncio.create_task(_upload_all(client, items, args.concurrency, transfer, show))
        finished = True
        try:
            if args.wait:
                deadline = time.monotonic() + args.wait_timeout
                finished = await follow_documents(client, items, uploads, pipeline, show, deadline)
            await uploads
        finally:
            uploads.cancel()  # after an error while following: stop sending
    show.close()
    code = _exit_code(items, args.wait, finished)
    _report(args, items, skipped, code, time.monotonic() - transfer.started)
    return code


def _exit_code(items: list[Item], waited: bool, finished: bool) -> int:
    if any(i.status in ("rejected", "failed") for i in items):
        return FAILURES
    if waited and not finished:
        return TIMEOUT
    return OK


def _report(
    args: argparse.Namespace, items: list[Item], skipped: list[Path], code: int, seconds: float
) -> None:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    totals = {"files": len(items), "bytes": sum(i.size for i in items), **counts}
    if args.json:
        print_json(
            {
                "documents": [i.as_json() for i in items],
                "skipped": [str(p) for p in skipped],
                "totals": totals,
                "seconds": round(seconds, 3),
                "exit_code": code,
            }
        )
        return
    rows = [
        (i.path, human_bytes(i.size), i.id or "-", i.status, i.error or i.summary or "")
        for i in items
    ]
    print(table(("FILE", "SIZE", "ID", "STATUS", "DETAIL"), rows))
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"\n{len(items)} file(s), {human_bytes(totals['bytes'])} in {seconds:.1f}s: {summary}")
    if skipped:
        print(f"skipped {len(skipped)} file(s) of unsupported types, e.g. {skipped[0]}")


def run(args: argparse.Namespace) -> int:
    return run_command(args, lambda: upload(args))
