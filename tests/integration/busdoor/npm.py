"""npm packages for tests, installed once into the repository's ignored ``.run/node`` cache."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[3] / ".run" / "node"


def npm_packages(name: str, *specs: str) -> Path:
    """A directory whose ``node_modules`` holds ``specs`` (``pkg@range``); installs when missing."""
    if shutil.which("npm") is None:
        pytest.fail("npm is needed for this test (Debian package 'npm')")
    target = CACHE / name
    wanted = [spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec for spec in specs]
    if all((target / "node_modules" / package / "package.json").exists() for package in wanted):
        return target
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(target), *specs],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return target
