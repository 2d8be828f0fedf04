"""``sum-ingest``: consume received documents, extract their text."""

from __future__ import annotations

from services.ingest.settings import IngestSettings
from services.ingest.worker import ingest_stage
from shared.bootstrap import run_process
from shared.config import load_settings
from shared.stage import run_stage


def main() -> None:
    settings = load_settings(IngestSettings)
    stage = ingest_stage(settings)
    run_process("ingest", settings, lambda stopping: run_stage(stage, settings, stopping))


if __name__ == "__main__":
    main()
