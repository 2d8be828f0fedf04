"""``sum-ingest``: consume received documents, extract their text."""

from __future__ import annotations

import asyncio

from services.ingest.settings import IngestSettings
from services.ingest.worker import main as worker_main
from shared import lifecycle
from shared.config import load_settings
from shared.logging import setup_logging


def main() -> None:
    settings = load_settings(IngestSettings)
    setup_logging("ingest", settings.log_level)

    async def run(stopping: asyncio.Event) -> None:
        await worker_main(stopping, settings)

    lifecycle.run(run)


if __name__ == "__main__":
    main()
