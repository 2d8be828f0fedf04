"""One-pass inspection of an upload stream: size, SHA-256, real type, content and malware.

The HTTP gateway and the NATS front door both drive an ``UploadInspector`` with the chunks they
receive; nothing keeps the whole upload in memory. ``feed`` raises an ``UploadRejected`` as soon
as the bytes seen so far settle the matter (too large, wrong type, binary text, malware); ``finish``
runs the checks that need the end of the stream and returns the ``Inspection``.

    async with UploadInspector(filename, content_type, policy, scanner) as inspector:
        async for chunk in body:
            await inspector.feed(chunk)  # also store/forward the chunk as it passes
        inspection = await inspector.finish()

Leaving the ``async with`` early (client gone, task cancelled) releases the scanner connection
and any spill file; without it, call ``abort()`` yourself.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Literal, NoReturn

import msgspec

from services.gateway.intake.content import ContentCheck
from services.gateway.intake.content.csv_rows import CsvCheck
from services.gateway.intake.content.docx import DocxCheck
from services.gateway.intake.content.json_doc import JsonCheck
from services.gateway.intake.content.pdf import PdfCheck
from services.gateway.intake.content.text import TextCheck
from services.gateway.intake.kind_rules import clean_filename, decide_kind
from services.gateway.intake.policy import IntakePolicy
from services.gateway.intake.refusals import (
    BinaryContent,
    EmptyFile,
    Infected,
    ScannerDown,
    TooLarge,
    UnsupportedType,
    UploadRejected,
)
from services.gateway.intake.scanning.protocol import (
    Scanner,
    ScannerUnavailable,
    ScanSession,
    ScanVerdict,
)
from services.gateway.intake.sniffing import HEAD_BYTES, name_non_text, sniff_head
from shared.kinds import CANONICAL_MIME, TEXT_KINDS, DocumentKind

log = logging.getLogger(__name__)

ScanStatus = Literal["clean", "unscanned"]


class Inspection(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    kind: DocumentKind
    content_type: str  # canonical MIME type of the kind
    size: int
    sha256: str  # hex
    detected_mime: str  # what the sniffer saw ("text/plain" for every text kind, see sniffing)
    scan_status: ScanStatus
    encoding: str | None = None  # text kinds: "utf-8" or "windows-1252"


def _content_checks(kind: DocumentKind, spill_dir: str | None) -> list[ContentCheck]:
    if kind == "csv":
        return [CsvCheck()]
    if kind == "json":
        return [JsonCheck(spill_dir=spill_dir)]
    if kind == "pdf":
        return [PdfCheck()]
    if kind == "docx":
        return [DocxCheck()]
    return []


class UploadInspector:
    def __init__(
        self,
        filename: str | None,
        declared_type: str | None,
        policy: IntakePolicy,
        scanner: Scanner | None,
        *,
        spill_dir: str | None = None,
    ) -> None:
        """Raises MissingFilename, InvalidFilename or UnsupportedType before any byte is read."""
        self.filename = clean_filename(filename)
        self.kind: DocumentKind = decide_kind(self.filename, declared_type)
        self.limit = policy.limit_for(self.kind)
        self._fail_open = policy.fail_open_when_scanner_down
        self._scanner = scanner
        self._scan: ScanSession | None = None
        self._scan_skipped = scanner is None
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()
        self._detected: str | None = None
        self._text = (
            TextCheck(allow_legacy_8bit=self.kind != "json") if self.kind in TEXT_KINDS else None
        )
        self._checks = _content_checks(self.kind, spill_dir)
        self._done = False

    @property
    def size(self) -> int:
        return self._size

    async def __aenter__(self) -> UploadInspector:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if not self._done or self._scan is not None:
            await self.abort()

    async def feed(self, chunk: bytes) -> None:
        if self._done:
            raise RuntimeError("the inspection is already finished")
        if not chunk:
            return
        if type(chunk) is not bytes:
            chunk = bytes(chunk)  # chunks are kept by reference (tail windows): never a view
        self._size += len(chunk)
        if self._size > self.limit:
            await self._reject(
                TooLarge(f"{self.kind} files are limited to {self.limit} bytes", limit=self.limit)
            )
        self._hash.update(chunk)
        try:
            if self._detected is None:
                self._collect_head(chunk)
            if self._text is not None:
                self._text.feed(chunk)
            for check in self._checks:
                check.feed(chunk)
        except BinaryContent as exc:
            await self._reject(self._better_reason(exc))
        except UploadRejected as exc:
            await self._reject(exc)
        await self._scan_chunk(chunk)

    async def finish(self) -> Inspection:
        if self._done:
            raise RuntimeError("the inspection is already finished")
        if self._size == 0:
            await self._reject(EmptyFile("the uploaded file has no content"))
        try:
            if self._detected is None:
                self._sniff()
            if self._text is not None:
                self._text.finish()
            for check in self._checks:
                check.finish()
        except UploadRejected as exc:
            await self._reject(exc)
        scan_status = await self._scan_verdict()
        self._close()
        assert self._detected is not None
        return Inspection(
            filename=self.filename,
            kind=self.kind,
            content_type=CANONICAL_MIME[self.kind],
            size=self._size,
            sha256=self._hash.hexdigest(),
            detected_mime=self._detected,
            scan_status=scan_status,
            encoding=self._text.encoding if self._text is not None else None,
        )

    async def abort(self) -> None:
        """Stop early (the client went away): release the scanner connection and spill files."""
        if self._scan is not None:
            scan, self._scan = self._scan, None
            await scan.abort()
        self._close()

    def _collect_head(self, chunk: bytes) -> None:
        self._head += chunk[: HEAD_BYTES - len(self._head)]
        if len(self._head) >= HEAD_BYTES:
            self._sniff()

    def _sniff(self) -> None:
        self._detected = sniff_head(self.kind, bytes(self._head))
        self._head = bytearray()

    def _better_reason(self, exc: BinaryContent) -> UploadRejected:
        """Binary bytes in a text kind's head: name the real format when libmagic knows it."""
        if self._text is None or exc.extra.get("offset", HEAD_BYTES) >= HEAD_BYTES:
            return exc
        try:
            name_non_text(self.kind, bytes(self._head))
        except UnsupportedType as mismatch:
            return mismatch
        return exc

    async def _scan_chunk(self, chunk: bytes) -> None:
        if self._scan_skipped or self._scanner is None:
            return
        verdict: ScanVerdict | None = None
        try:
            if self._scan is None:
                self._scan = await self._scanner.open(tolerate_unavailable=self._fail_open)
            verdict = await self._scan.feed(chunk)
        except ScannerUnavailable as exc:
            await self._scanner_down(exc)
        if verdict is not None and verdict.infected:
            await self._reject(self._infected(verdict))

    async def _scan_verdict(self) -> ScanStatus:
        if self._scan_skipped or self._scan is None:
            return "unscanned"
        scan, self._scan = self._scan, None
        try:
            verdict = await scan.finish()
        except ScannerUnavailable as exc:
            await self._scanner_down(exc)
            return "unscanned"
        if verdict.infected:
            await self._reject(self._infected(verdict))
        return "clean" if verdict.complete else "unscanned"

    async def _scanner_down(self, exc: ScannerUnavailable) -> None:
        if self._scan is not None:
            scan, self._scan = self._scan, None
            await scan.abort()
        if not self._fail_open:
            await self._reject(
                ScannerDown(
                    "the malware scanner is unavailable; try again later", engine=exc.engine
                )
            )
        log.warning("accepting an upload unscanned: %s", exc)
        self._scan_skipped = True

    @staticmethod
    def _infected(verdict: ScanVerdict) -> Infected:
        return Infected(
            f"malware detected: {verdict.signature}",
            signature=verdict.signature,
            engine=verdict.engine,
        )

    async def _reject(self, exc: UploadRejected) -> NoReturn:
        await self.abort()
        self._done = True
        raise exc

    def _close(self) -> None:
        self._done = True
        for check in self._checks:
            check.close()
