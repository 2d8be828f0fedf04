"""``sum-processor``: consume ingested documents, distil their memories."""

from __future__ import annotations

from services.processor.settings import ProcessorSettings
from services.processor.worker import main as worker_main
from shared.bootstrap import run_process
from shared.config import load_settings


def main() -> None:
    settings = load_settings(ProcessorSettings)
    run_process("processor", settings, lambda stopping: worker_main(stopping, settings))


if __name__ == "__main__":
    main()
