"""``sum-ingest``: consume received documents, extract their text."""

from __future__ import annotations

from services.ingest.settings import IngestSettings
from services.ingest.worker import main as worker_main
from shared.bootstrap import run_process
from shared.config import load_settings


def main() -> None:
    settings = load_settings(IngestSettings)
    run_process("ingest", settings, lambda stopping: worker_main(stopping, settings))


if __name__ == "__main__":
    main()
