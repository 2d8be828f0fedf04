"""``sum-processor``: consume ingested documents, distil their memories."""

from __future__ import annotations

from services.processor.settings import ProcessorSettings
from services.processor.worker import processor_stage
from shared.bootstrap import run_process
from shared.config import load_settings
from shared.stage import run_stage


def main() -> None:
    settings = load_settings(ProcessorSettings)
    stage = processor_stage(settings)
    run_process("processor", settings, lambda stopping: run_stage(stage, settings, stopping))


if __name__ == "__main__":
    main()
