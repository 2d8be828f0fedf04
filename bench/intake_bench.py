"""Upload inspector throughput on this machine: ``make bench`` or ``python -m bench intake_bench``.

Prints, as JSON, the cost of a whole small-upload inspection (µs) and MB/s for large uploads of
each kind, next to the baseline measured in the same run: hashlib.sha256 alone over the same
chunks, the floor of any inspection.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import statistics
import time
import zipfile

from services.gateway.intake import IntakePolicy, UploadInspector
from services.gateway.intake.scanning import EicarScanner
from tests.unit.intake.intake_samples import DOCX_CONTENT_TYPES, docx_bytes, minimal_pdf, split

POLICY = IntakePolicy()


def docx_with_media(image: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.png", image)
    return buffer.getvalue()


CHUNK = 64 * 1024


async def run(name: str, chunks: list[bytes], scanner: EicarScanner | None) -> None:
    inspector = UploadInspector(name, None, POLICY, scanner)
    for chunk in chunks:
        await inspector.feed(chunk)
    await inspector.finish()


async def small(name: str, data: bytes, scanner: EicarScanner | None) -> float:
    chunks = [data]
    for _ in range(200):  # warm-up
        await run(name, chunks, scanner)
    samples = []
    for _ in range(2000):
        start = time.perf_counter()
        await run(name, chunks, scanner)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


async def large(name: str, data: bytes, scanner: EicarScanner | None) -> float:
    chunks = split(data, CHUNK)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        await run(name, chunks, scanner)
        best = min(best, time.perf_counter() - start)
    return len(data) / best / 1e6


def sha256_ceiling(data: bytes) -> float:
    chunks = split(data, CHUNK)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
        best = min(best, time.perf_counter() - start)
    return len(data) / best / 1e6


async def main() -> None:
    words = b"The quick brown fox jumps over the lazy dog near the riverbank. "
    text_4k = (words * 70)[:4096]
    eicar = EicarScanner()
    small_us: dict[str, dict[str, float]] = {}
    for label, name, data in [
        ("4 KiB txt", "a.txt", text_4k),
        ("4 KiB md", "a.md", text_4k),
        ("4 KiB csv", "a.csv", b"id,name,comment\n" + b"1,alpha,some words here\n" * 170),
        (
            "4 KiB json",
            "a.json",
            json.dumps([{"id": i, "v": "x" * 20} for i in range(100)]).encode(),
        ),
        ("0.6 KiB pdf", "a.pdf", minimal_pdf()),
        ("0.9 KiB docx", "a.docx", docx_bytes()),
    ]:
        plain = await small(name, data, None)
        scanned = await small(name, data, eicar)
        small_us[label] = {"inspect": round(plain, 1), "inspect_and_eicar_scan": round(scanned, 1)}

    big_text = (words * 160_000)[:10_000_000]
    pdf = minimal_pdf().replace(b"startxref", os.urandom(49_000_000) + b"\nstartxref")
    row = b'2024-01-01,12345,"Some Company, Inc",Springfield,42.50,ok\n'
    plain_row = b"2024-01-01,12345,Some Company Inc,Springfield,42.50,ok,more text here\n"
    records = [
        {"id": i, "name": f"item {i}", "tags": ["a", "b"], "price": 1.5} for i in range(150_000)
    ]
    large_mb_s: dict[str, dict[str, float]] = {}
    for label, name, data in [
        ("50 MB pdf", "a.pdf", pdf),
        ("10 MB txt", "a.txt", big_text),
        (
            "100 MB csv unquoted",
            "a.csv",
            b"d,n,c,t,p,s,x\n" + plain_row * (100_000_000 // len(plain_row)),
        ),
        ("100 MB csv quoted", "a.csv", b"d,n,c,t,p,s\n" + row * (100_000_000 // len(row))),
        (
            "10 MB json",
            "a.json",
            json.dumps(records).encode()[:9_900_000].rsplit(b", {", 1)[0] + b"]",
        ),
    ]:
        plain = await large(name, data, None)
        scanned = await large(name, data, eicar)
        large_mb_s[label] = {"inspect": round(plain), "inspect_and_eicar_scan": round(scanned)}
    docx = docx_with_media(os.urandom(20_000_000))
    large_mb_s[f"{len(docx) / 1e6:.0f} MB docx"] = {
        "inspect": round(await large("a.docx", docx, None))
    }
    result = {
        "benchmark": "intake",
        "small_uploads_median_us": small_us,
        "large_uploads_best_of_3_mb_per_s": large_mb_s,
        "chunk_bytes": CHUNK,
        "baseline_sha256_alone_mb_per_s": round(sha256_ceiling(pdf)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
