"""A throwaway clamd for tests: its own config, port and a signature database written here.

No signature download is possible offline, so the database holds one MD5 signature of the EICAR
test file (``sigtool --md5``), which clamd reports as ``eicar.txt.UNOFFICIAL``.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

from services.gateway.intake.scanning import EICAR_SIGNATURE, ClamdScanner
from tests.platform import free_port

CLAMD = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")
SIGTOOL = shutil.which("sigtool")
NOT_INSTALLED = "clamd/sigtool not installed: deploy/tools/install-validators.sh installs them"
EICAR_SIGNATURE_NAME = "eicar.txt.UNOFFICIAL"


def write_config(directory: Path, port: int, stream_max: str) -> Path:
    database = directory / "db"
    database.mkdir(exist_ok=True)
    sample = directory / "eicar.txt"
    sample.write_bytes(EICAR_SIGNATURE)
    assert SIGTOOL is not None
    signature = subprocess.run(
        [SIGTOOL, "--md5", sample.name], cwd=directory, check=True, capture_output=True
    ).stdout
    (database / "test.hdb").write_bytes(signature)
    config = directory / "clamd.conf"
    config.write_text(
        f"DatabaseDirectory {database}\n"
        f"TCPSocket {port}\n"
        "TCPAddr 127.0.0.1\n"
        "Foreground yes\n"
        f"StreamMaxLength {stream_max}\n"
        "MaxFileSize 110M\n"
        "MaxScanSize 400M\n"
    )
    return config


class ClamdDaemon:
    def __init__(self, directory: Path, *, stream_max: str = "110M") -> None:
        self.port = free_port()
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.config = write_config(directory, self.port, stream_max)
        self.log = directory / f"clamd-{self.port}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, ready_within: float = 90.0) -> None:
        assert CLAMD is not None
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                CLAMD, "-c", str(self.config), stdout=log, stderr=subprocess.STDOUT
            )
        probe = ClamdScanner(self.url, io_timeout=1.0)
        deadline = time.monotonic() + ready_within
        while not await probe.ping():
            if self.process.returncode is not None:
                raise RuntimeError(f"clamd exited at start-up: {self.log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"clamd not ready after {ready_within}s")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
