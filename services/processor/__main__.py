"""``sum-processor``: consume ingested documents, distil their memories."""

from __future__ import annotations

import asyncio

from services.processor.settings import ProcessorSettings
from services.processor.worker import main as worker_main
from shared import lifecycle
from shared.bootstrap import end_process, start_process
from shared.config import load_settings


def main() -> None:
    settings = load_settings(ProcessorSettings)
    start_process("processor", settings.log_level)

    async def run(stopping: asyncio.Event) -> None:
        await worker_main(stopping, settings)

    try:
        lifecycle.run(run)
    finally:
        end_process()


if __name__ == "__main__":
    main()
