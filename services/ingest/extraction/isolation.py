"""Run ``extract_file`` in separate worker processes with a wall-clock and a memory limit.

Each worker handles one document at a time over its own pipe. A document that overruns its
time is stopped by killing *its* worker only, and a fresh worker takes the slot; other
documents in flight are untouched (a ProcessPoolExecutor would break the whole pool). The
memory limit is RLIMIT_AS set inside the worker: the budget on top of the worker's own
footprint, so an allocation beyond it raises MemoryError there instead of growing the host.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

import msgspec

from .dispatch import extract_file
from .model import ExtractedText, ExtractionError

_CONTEXT = multiprocessing.get_context("forkserver")
# The fork server loads the language model once; every worker forked from it starts with it.
_CONTEXT.set_forkserver_preload([__name__, "services.ingest.extraction.language_model"])
_TASKS_PER_WORKER = 200
_OK, _FAILED, _FAILED_RETIRE = b"ok", b"er", b"ex"
_result_decoder = msgspec.msgpack.Decoder(ExtractedText)


def _own_address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker_main(conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    baseline = _own_address_space()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    encoder = msgspec.msgpack.Encoder()
    while True:
        try:
            path, kind, memory_mb = conn.recv()
        except (EOFError, OSError):
            return
        soft = baseline + memory_mb * 1024 * 1024
        unlimited = hard == resource.RLIM_INFINITY
        resource.setrlimit(resource.RLIMIT_AS, (soft if unlimited else min(soft, hard), hard))
        try:
            conn.send_bytes(_OK + encoder.encode(extract_file(Path(path), kind)))
        except ExtractionError as error:
            conn.send_bytes(_FAILED + error.reason.encode())
        except MemoryError:
            reason = f"document needs more than the {memory_mb} MB memory limit"
            conn.send_bytes(_FAILED_RETIRE + reason.encode())
        except Exception as error:  # report any defect as this document's failure
            reason = f"extraction failed: {type(error).__name__}: {error}"[:300]
            conn.send_bytes(_FAILED_RETIRE + reason.encode())


class _Worker:
    def __init__(self) -> None:
        self.conn, child_conn = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=(child_conn,), daemon=True)
        self.process.start()
        child_conn.close()
        self.tasks = 0

    def call(self, request: tuple[str, str, int], timeout_s: float) -> tuple[bytes, bytes]:
        """Returns (status, payload); status "timeout" or "died" when no answer came."""
        self.tasks += 1
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout_s):
                return b"timeout", b""
            data = self.conn.recv_bytes()
        except (EOFError, OSError):
            return b"died", b""
        return data[:2], data[2:]

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class _Pool:
    def __init__(self, max_workers: int) -> None:
        self._threads = ThreadPoolExecutor(max_workers, thread_name_prefix="extract")
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, request: tuple[str, str, int], timeout_s: float) -> ExtractedText:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        worker = worker or _Worker()
        status, payload = worker.call(request, timeout_s)
        healthy = status in (_OK, _FAILED) and worker.tasks < _TASKS_PER_WORKER
        with self._lock:
            if healthy and not self._closed:
                self._idle.append(worker)
                worker = None
        if worker is not None:
            worker.kill()
        if status == _OK:
            return _result_decoder.decode(payload)
        if status in (_FAILED, _FAILED_RETIRE):
            raise ExtractionError(payload.decode(errors="replace"))
        if status == b"timeout":
            raise ExtractionError(f"extraction took longer than {timeout_s:g} s")
        raise ExtractionError("extraction worker crashed (the document may be malformed)")

    async def submit(self, request: tuple[str, str, int], timeout_s: float) -> ExtractedText:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self.run, request, timeout_s)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
        self._threads.shutdown(wait=True, cancel_futures=True)


_pool: _Pool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _Pool(max_workers=os.cpu_count() or 2)
        return _pool


async def extract_isolated(
    path: Path, kind: str, *, timeout_s: float = 30, memory_mb: int = 512
) -> ExtractedText:
    """``extract_file`` in a worker process, limited to ``timeout_s`` of wall-clock time and
    ``memory_mb`` of extra address space. Any overrun fails this document only.

    At most one document per CPU runs at a time; the others wait in line, and the time limit
    starts when a worker takes the document. If the caller is cancelled, the worker still
    runs to completion or to its time limit before the slot is free again.
    """
    return await _get_pool().submit((str(path), kind, memory_mb), timeout_s)


def shutdown_pool() -> None:
    """Stop all idle workers; documents still running finish first. Safe to call twice."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()
