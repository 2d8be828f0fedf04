"""``sum-ingest``: consume received documents, extract their text."""

from __future__ import annotations

import asyncio

from services.ingest.settings import IngestSettings
from services.ingest.worker import main as worker_main
from shared import lifecycle
from shared.bootstrap import end_process, start_process
from shared.config import load_settings


def main() -> None:
    settings = load_settings(IngestSettings)
    start_process("ingest", settings.log_level)

    async def run(stopping: asyncio.Event) -> None:
        await worker_main(stopping, settings)

    try:
        lifecycle.run(run)
    finally:
        end_process()


if __name__ == "__main__":
    main()
