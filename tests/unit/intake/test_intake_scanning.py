import socket

import pytest
from intake_samples import inspect, minimal_pdf

from services.gateway.intake import Infected, IntakePolicy, ScannerDown, UploadInspector
from services.gateway.intake.scanning import (
    EICAR_SIGNATURE,
    ClamdScanner,
    CompositeScanner,
    EicarScanner,
    ScannerUnavailable,
    ScanVerdict,
    build_scanner,
)
from shared.resilience import BreakerState, CircuitBreaker

FAIL_OPEN = IntakePolicy(fail_open_when_scanner_down=True)


class DownScanner:
    """A scanner whose backend is unreachable (what ClamdScanner raises when clamd is down)."""

    name = "down"

    async def open(self, *, tolerate_unavailable: bool = False) -> "DownScanner":
        raise ScannerUnavailable(self.name, "connection refused")

    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        raise AssertionError("never opened")

    async def finish(self) -> ScanVerdict:
        raise AssertionError("never opened")

    async def abort(self) -> None:
        return None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_eicar_is_found_at_every_split_position() -> None:
    data = b"prefix " * 20 + EICAR_SIGNATURE + b" suffix"
    for cut in range(len(data)):
        session = await EicarScanner().open()
        first = await session.feed(data[:cut])
        second = await session.feed(data[cut:])
        verdict = await session.finish()
        assert verdict.infected, cut
        assert (first or second) is not None


async def test_eicar_spread_over_tiny_chunks_is_found() -> None:
    session = await EicarScanner().open()
    for byte in EICAR_SIGNATURE:
        await session.feed(bytes([byte]))
    assert (await session.finish()).infected


async def test_an_infected_upload_is_a_422_as_soon_as_the_signature_is_seen() -> None:
    with pytest.raises(Infected) as caught:
        await inspect("a.txt", b"hello " + EICAR_SIGNATURE, scanner=EicarScanner(), chunk_size=10)
    assert caught.value.status == 422
    assert caught.value.extra["signature"] == "EICAR-Test-File"


async def test_a_clean_upload_is_marked_clean() -> None:
    result = await inspect("a.pdf", minimal_pdf(), scanner=build_scanner(None))
    assert result.scan_status == "clean"


async def test_scanner_down_fails_closed_with_a_503_by_default() -> None:
    with pytest.raises(ScannerDown) as caught:
        await inspect("a.txt", b"hello", scanner=DownScanner())
    assert caught.value.status == 503
    assert caught.value.retryable


async def test_scanner_down_fails_open_when_configured() -> None:
    result = await inspect("a.txt", b"hello", scanner=DownScanner(), policy=FAIL_OPEN)
    assert result.scan_status == "unscanned"


async def test_a_composite_keeps_the_builtin_detector_when_an_engine_is_down() -> None:
    composite = CompositeScanner([EicarScanner(), DownScanner()])
    with pytest.raises(Infected):
        await inspect("a.txt", EICAR_SIGNATURE, scanner=composite, policy=FAIL_OPEN)
    result = await inspect("a.txt", b"clean", scanner=composite, policy=FAIL_OPEN)
    assert result.scan_status == "unscanned"
    with pytest.raises(ScannerDown):
        await inspect("a.txt", b"clean", scanner=composite)


async def test_clamd_refusing_connections_opens_the_breaker() -> None:
    breaker = CircuitBreaker("clamd-test", failure_threshold=2, reset_timeout=60)
    scanner = ClamdScanner(f"tcp://127.0.0.1:{closed_port()}", breaker=breaker, io_timeout=2)
    for _ in range(2):
        with pytest.raises(ScannerUnavailable, match="cannot connect"):
            await scanner.open()
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(ScannerUnavailable, match="circuit"):
        await scanner.open()
    assert not await scanner.ping()


@pytest.mark.parametrize("url", ["http://x", "tcp://host", "unix://", "clamd"])
def test_bad_clamd_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(ValueError, match="clamd URL"):
        ClamdScanner(url)


class RecordingScanner:
    """A scanner that remembers whether its session was aborted."""

    name = "recording"

    def __init__(self) -> None:
        self.aborted = False

    async def open(self, *, tolerate_unavailable: bool = False) -> "RecordingScanner":
        return self

    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        return None

    async def finish(self) -> ScanVerdict:
        return ScanVerdict(infected=False, engine=self.name)

    async def abort(self) -> None:
        self.aborted = True


async def test_leaving_the_context_early_releases_the_scan_session() -> None:
    scanner = RecordingScanner()
    with pytest.raises(ConnectionResetError):
        async with UploadInspector("a.txt", None, IntakePolicy(), scanner) as inspector:
            await inspector.feed(b"half an upload")
            raise ConnectionResetError("client went away")
    assert scanner.aborted


async def test_a_finished_inspection_does_not_abort_its_session() -> None:
    scanner = RecordingScanner()
    async with UploadInspector("a.txt", None, IntakePolicy(), scanner) as inspector:
        await inspector.feed(b"whole upload")
        assert (await inspector.finish()).scan_status == "clean"
    assert not scanner.aborted
