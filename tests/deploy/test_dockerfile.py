"""Dockerfile and .dockerignore: one image, non-root, every console script available."""

from __future__ import annotations

import re
import tomllib

from .tooling import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def instructions(keyword: str) -> list[str]:
    return [line[len(keyword) + 1 :] for line in INSTRUCTIONS if line.startswith(f"{keyword} ")]


def test_builds_on_python_311_slim() -> None:
    assert any(line.startswith("ARG PYTHON_IMAGE=python:3.11-slim") for line in INSTRUCTIONS)
    assert all(line.startswith("${PYTHON_IMAGE}") for line in instructions("FROM"))


def test_runtime_runs_as_a_non_root_user() -> None:
    users = instructions("USER")
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert "useradd" in DOCKERFILE


def test_runtime_installs_libmagic_and_uses_the_locked_dependencies() -> None:
    assert re.search(r"apt-get install -y --no-install-recommends libmagic1\b", DOCKERFILE)
    syncs = [line for line in instructions("RUN") if "uv sync" in line]
    assert syncs and all("--frozen" in line and "--no-dev" in line for line in syncs)


def test_every_console_script_is_available_in_the_image() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    scripts = set(project["project"]["scripts"])
    assert {"sum-gateway", "sum-ingest", "sum-processor", "sum-monitor", "sumctl"} <= scripts
    packages = project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    copied = {line.split()[0] for line in instructions("COPY") if not line.startswith("--")}
    assert set(packages) <= copied
    assert "PATH=/opt/venv/bin:$PATH" in DOCKERFILE


def test_build_context_excludes_everything_but_the_sources() -> None:
    ignore = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*")] == "*"  # deny by default: secrets/, .env, .git stay out
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == {"pyproject.toml", "uv.lock", "README.md", "shared", "services", "sumctl"}
