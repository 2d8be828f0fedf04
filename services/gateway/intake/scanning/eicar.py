"""A built-in detector for the EICAR anti-virus test file, anywhere in the stream."""

from __future__ import annotations

from services.gateway.intake.scanning.protocol import ScanVerdict

# Assembled from two halves so that this source file itself is not reported by scanners.
EICAR_SIGNATURE = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE_NAME = "EICAR-Test-File"
_OVERLAP = len(EICAR_SIGNATURE) - 1


class EicarScanner:
    name = "eicar"

    async def open(self, *, tolerate_unavailable: bool = False) -> EicarSession:
        return EicarSession()


class EicarSession:
    def __init__(self) -> None:
        self._carry = b""  # the last bytes seen, for a signature split across chunks
        self._found = False

    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        if not self._found:
            straddling = self._carry + chunk[:_OVERLAP]
            self._found = EICAR_SIGNATURE in straddling or EICAR_SIGNATURE in chunk
            if len(chunk) >= _OVERLAP:
                self._carry = chunk[-_OVERLAP:]
            else:
                self._carry = (self._carry + chunk)[-_OVERLAP:]
        return self._verdict() if self._found else None

    async def finish(self) -> ScanVerdict:
        return self._verdict()

    async def abort(self) -> None:
        return None

    def _verdict(self) -> ScanVerdict:
        signature = SIGNATURE_NAME if self._found else None
        return ScanVerdict(infected=self._found, signature=signature, engine=EicarScanner.name)
