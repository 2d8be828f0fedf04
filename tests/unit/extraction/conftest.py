"""Shared fixtures: the committed sample documents and the generator for hostile ones."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from services.ingest.extraction import shutdown_pool

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def files() -> Path:
    return DATA / "files"


@pytest.fixture(scope="session")
def make_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    shutdown_pool()
