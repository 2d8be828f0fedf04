from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from sumctl.__main__ import build_parser
from tests.unit.sumctl.stub_gateway import Stub, serve


@pytest.fixture
def stub() -> Iterator[Stub]:
    with serve() as running:
        yield running


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer configuration leaks in: no config file, no gateway or key variables."""
    for name in ("SUM_GATEWAY_URL", "SUM_API_KEY", "SUM_API_KEY_FILE", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUM_CONFIG", os.devnull)
    # The stub moves a document on at each look: no need to wait between looks.
    monkeypatch.setattr("sumctl.waiting.POLL_INTERVAL", 0.01)
    monkeypatch.setattr("sumctl.status_cmd.POLL_INTERVAL", 0.01)


@pytest.fixture
def sumctl(capsys: pytest.CaptureFixture[str]):
    """Runs ``sumctl ARGS…`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        parsed = build_parser().parse_args(list(args))
        code = parsed.run(parsed)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def json_of(out: str) -> Any:
    return json.loads(out)
