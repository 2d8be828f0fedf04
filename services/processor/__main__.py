"""``sum-processor``: consume ingested documents, distil their memories."""

from __future__ import annotations

import asyncio

from services.processor.settings import ProcessorSettings
from services.processor.worker import main as worker_main
from shared import lifecycle
from shared.config import load_settings
from shared.logging import setup_logging


def main() -> None:
    settings = load_settings(ProcessorSettings)
    setup_logging("processor", settings.log_level)

    async def run(stopping: asyncio.Event) -> None:
        await worker_main(stopping, settings)

    lifecycle.run(run)


if __name__ == "__main__":
    main()
