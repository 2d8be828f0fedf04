"""compose.yaml: validated by the real docker-compose binary, then checked for structure."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .tooling import REPO_ROOT, compose_binary

COMPOSE_FILE = REPO_ROOT / "compose.yaml"
SUM_SERVICES = {"gateway", "ingest", "processor", "monitor"}
ONE_SHOT_SERVICES = {"migrate"}
# Variables compose refuses to start without (their values are file and directory paths).
REQUIRED_ENV = {
    "SUM_DB_PASSWORD_FILE": "/run/sum-test/db_password",
    "SUM_GRAFANA_ADMIN_PASSWORD_FILE": "/run/sum-test/grafana_admin_password",
    "SUM_TLS_DIR": "/run/sum-test/tls",
}


def run_compose(
    compose_file: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    # A minimal environment: nothing from the developer's shell or .env leaks into the check.
    return subprocess.run(
        [
            str(compose_binary()),
            "--project-directory",
            str(REPO_ROOT),
            "-f",
            str(compose_file),
            "--env-file",
            "/dev/null",
            *args,
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def resolved() -> dict[str, Any]:
    result = run_compose(COMPOSE_FILE, "config", "--format", "json", env=REQUIRED_ENV)
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = json.loads(result.stdout)
    return config


def test_compose_file_passes_docker_compose_validation() -> None:
    result = run_compose(COMPOSE_FILE, "config", "-q", env=REQUIRED_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_each_required_variable_is_enforced(missing: str) -> None:
    env = {name: value for name, value in REQUIRED_ENV.items() if name != missing}
    result = run_compose(COMPOSE_FILE, "config", "-q", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_a_broken_copy_fails_validation(tmp_path: Path) -> None:
    """Proves the validator rejects what it should: an unknown key inside a service."""
    broken = COMPOSE_FILE.read_text().replace(
        "    restart: unless-stopped\n", "    restart: unless-stopped\n    restrat: always\n", 1
    )
    assert broken != COMPOSE_FILE.read_text()
    broken_file = tmp_path / "compose.yaml"
    broken_file.write_text(broken)
    result = run_compose(broken_file, "config", "-q", env=REQUIRED_ENV)
    assert result.returncode != 0
    assert "restrat" in result.stderr


def test_every_long_running_service_has_a_healthcheck(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    without = [
        name
        for name, service in services.items()
        if name not in ONE_SHOT_SERVICES
        and (not service.get("healthcheck") or service["healthcheck"].get("disable"))
    ]
    assert without == []
    for name in ONE_SHOT_SERVICES:
        assert services[name]["restart"] == "no"


def test_dependencies_wait_for_health(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        for dependency, spec in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully"
                if dependency in ONE_SHOT_SERVICES
                else "service_healthy"
            )
            assert spec["condition"] == expected, f"{name} -> {dependency}"


def test_long_running_services_restart_and_have_limits(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        if name in ONE_SHOT_SERVICES:
            continue
        assert service.get("restart") in {"unless-stopped", "always"}, name
        limits = service["deploy"]["resources"]["limits"]
        assert limits.get("memory") and limits.get("cpus"), name


def test_sum_services_share_one_build(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    builds = {
        json.dumps([services[name]["build"], services[name]["image"]], sort_keys=True)
        for name in SUM_SERVICES | ONE_SHOT_SERVICES
    }
    assert len(builds) == 1
    build = services["gateway"]["build"]
    assert Path(build["context"]) == REPO_ROOT
    assert build["dockerfile"] == "Dockerfile"
    commands = {name: services[name]["command"] for name in SUM_SERVICES}
    assert commands == {name: [f"sum-{name}"] for name in SUM_SERVICES}
    assert services["migrate"]["command"] == ["sumctl", "migrate"]


def test_no_secret_value_is_passed_in_the_environment(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        for variable in service.get("environment") or {}:
            if re.search(r"PASSWORD|SECRET|TOKEN|API_KEY", variable):
                assert variable.endswith("_FILE"), f"{name}: {variable} carries a secret value"


def test_secret_variables_are_required_without_defaults() -> None:
    text = COMPOSE_FILE.read_text()
    # Every interpolation that mentions a secret, password, key or certificate must be
    # `${VAR:?message}`: required, never a fallback value.
    interpolations = re.findall(r"\$\{([A-Z0-9_]+)([^}]*)\}", text)
    secret_like = [
        (name, rest)
        for name, rest in interpolations
        if re.search(r"PASSWORD|SECRET|TOKEN|KEY|TLS", name)
    ]
    assert secret_like, "expected the secret file variables in compose.yaml"
    for name, rest in secret_like:
        assert rest.startswith(":?"), f"{name} must be required, got ${{{name}{rest}}}"


def test_services_read_the_database_password_from_the_secret(resolved: dict[str, Any]) -> None:
    assert set(resolved["secrets"]) == {"db_password", "grafana_admin_password"}
    for secret in resolved["secrets"].values():
        assert secret["file"].startswith("/run/sum-test/")
    for name in SUM_SERVICES | ONE_SHOT_SERVICES:
        service = resolved["services"][name]
        environment = service["environment"]
        assert environment["SUM_DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
        assert "@" in environment["SUM_DATABASE_URL"]
        assert ":" not in environment["SUM_DATABASE_URL"].split("//", 1)[1].split("@", 1)[0]
        assert [s["source"] for s in service["secrets"]] == ["db_password"]
        assert service["user"] == "10001:10001"
    postgres = resolved["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"


def test_only_the_edge_publishes_ports_publicly(resolved: dict[str, Any]) -> None:
    public = {
        name
        for name, service in resolved["services"].items()
        for port in service.get("ports", [])
        if port.get("host_ip") not in {"127.0.0.1", "::1"}
    }
    assert public == {"nginx"}


def test_nats_runs_jetstream_with_fsync_and_a_health_endpoint(resolved: dict[str, Any]) -> None:
    nats = resolved["services"]["nats"]
    assert nats["image"].startswith("nats:2.12")
    conf = (REPO_ROOT / "deploy/nats/nats.conf").read_text()
    assert re.search(r"^\s*sync_interval:\s*always\s*$", conf, re.MULTILINE)
    assert "8222/healthz" in " ".join(nats["healthcheck"]["test"])
    assert any(volume["target"] == "/data/jetstream" for volume in nats["volumes"])
