"""deploy/nomad: the job files parse as HCL and have the structure operations rely on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import nomad_hcl
from .tooling import DEPLOY_DIR

NOMAD_DIR = DEPLOY_DIR / "nomad"
SERVICE_PORTS = {"gateway": 5001, "ingest": 5002, "processor": 5003, "monitor": 5004}
PASSWORD_FILE = "/secrets/db_password"


@pytest.fixture(scope="module")
def sum_groups() -> dict[str, dict[str, Any]]:
    job = nomad_hcl.labelled(nomad_hcl.load(NOMAD_DIR / "sum.nomad.hcl")["job"])["sum"]
    assert job["type"] == "service"
    return nomad_hcl.labelled(job["group"])


@pytest.fixture(scope="module")
def nats_job() -> dict[str, Any]:
    return nomad_hcl.labelled(nomad_hcl.load(NOMAD_DIR / "nats.nomad.hcl")["job"])["nats"]


def test_every_sum_service_has_a_group(sum_groups: dict[str, dict[str, Any]]) -> None:
    assert set(sum_groups) == set(SERVICE_PORTS)
    for name, group in sum_groups.items():
        assert "count" in group, name


@pytest.mark.parametrize("name", sorted(SERVICE_PORTS))
def test_group_rolls_out_safely(sum_groups: dict[str, dict[str, Any]], name: str) -> None:
    update = nomad_hcl.only(sum_groups[name]["update"])
    assert update["auto_revert"] is True
    assert update["health_check"] == "checks"
    assert update["max_parallel"] == 1


@pytest.mark.parametrize("name", sorted(SERVICE_PORTS))
def test_group_is_checked_on_its_health_endpoints(
    sum_groups: dict[str, dict[str, Any]], name: str
) -> None:
    group = sum_groups[name]
    network = nomad_hcl.only(group["network"])
    ports = nomad_hcl.labelled(network["port"])
    assert ports["http"]["to"] == SERVICE_PORTS[name]
    service = next(s for s in group["service"] if s["name"] == f"sum-{name}")
    assert service["port"] == "http"
    paths = {check["path"] for check in service["check"]}
    assert paths == {"/health/ready", "/health/live"}
    live = next(check for check in service["check"] if check["path"] == "/health/live")
    assert "check_restart" in live


@pytest.mark.parametrize("name", sorted(SERVICE_PORTS))
def test_task_runs_the_one_image_with_config_and_secret_templates(
    sum_groups: dict[str, dict[str, Any]], name: str
) -> None:
    task = nomad_hcl.labelled(sum_groups[name]["task"])[name]
    config = nomad_hcl.only(task["config"])
    assert config["image"] == "${var.image}"
    assert config["command"] == f"sum-{name}"
    env = nomad_hcl.only(task["env"])
    assert env[f"SUM_{name.upper()}_PORT"] == str(SERVICE_PORTS[name])
    assert env["SUM_DATABASE_PASSWORD_FILE"] == PASSWORD_FILE
    assert env["SUM_NATS_REPLICAS"] == "3"
    assert not any(re.search(r"PASSWORD(?!_FILE)|SECRET|TOKEN", key) for key in env)

    templates = task["template"]
    config_template = next(t for t in templates if t.get("env") is True)
    assert "SUM_NATS_URL=" in config_template["data"]
    assert 'nomadVar "nomad/jobs/sum"' in config_template["data"]
    secret = next(t for t in templates if t["destination"] == "secrets/db_password")
    assert secret["perms"] == "0400"
    assert secret["uid"] == 10001
    assert "{{ .database_password }}" in secret["data"]
    for template in templates:
        assert template["data"].count("{{") == template["data"].count("}}")
    # The memory alert (SumMemoryHigh) assumes a 1 GiB limit.
    assert nomad_hcl.only(task["resources"])["memory"] == 1024


def test_migration_job_is_a_batch_run_of_sumctl() -> None:
    job = nomad_hcl.labelled(nomad_hcl.load(NOMAD_DIR / "sum-migrate.nomad.hcl")["job"])[
        "sum-migrate"
    ]
    assert job["type"] == "batch"
    group = nomad_hcl.labelled(job["group"])["migrate"]
    task = nomad_hcl.labelled(group["task"])["migrate"]
    config = nomad_hcl.only(task["config"])
    assert (config["command"], config["args"]) == ("sumctl", ["migrate"])
    assert nomad_hcl.only(task["env"])["SUM_DATABASE_PASSWORD_FILE"] == PASSWORD_FILE
    policy = nomad_hcl.load(NOMAD_DIR / "sum-migrate.policy.hcl")
    namespace = nomad_hcl.labelled(policy["namespace"])["default"]
    paths = nomad_hcl.labelled(nomad_hcl.only(namespace["variables"])["path"])
    assert paths["nomad/jobs/sum"]["capabilities"] == ["read"]


def test_nats_cluster_has_three_nodes_on_distinct_hosts(nats_job: dict[str, Any]) -> None:
    assert nomad_hcl.only(nats_job["meta"])["jetstream_replicas"] == "3"
    group = nomad_hcl.labelled(nats_job["group"])["nats"]
    assert group["count"] == 3
    constraint = nomad_hcl.only(group["constraint"])
    assert (constraint["operator"], constraint["value"]) == ("distinct_hosts", "true")
    update = nomad_hcl.only(group["update"])
    assert update["auto_revert"] is True
    assert update["max_parallel"] == 1
    volume = nomad_hcl.labelled(group["volume"])["jetstream"]
    assert volume["type"] == "host"
    ports = nomad_hcl.labelled(nomad_hcl.only(group["network"])["port"])
    assert {name: port["static"] for name, port in ports.items()} == {
        "client": 4222,
        "cluster": 6222,
        "monitor": 8222,
    }
    check = nomad_hcl.only(next(s for s in group["service"] if s["name"] == "sum-nats")["check"])
    assert check["path"] == "/healthz"


def test_nats_config_template_clusters_with_fsync(nats_job: dict[str, Any]) -> None:
    group = nomad_hcl.labelled(nats_job["group"])["nats"]
    task = nomad_hcl.labelled(group["task"])["nats"]
    template = nomad_hcl.only(task["template"])
    assert template["destination"] == "local/nats.conf"
    assert (template["change_mode"], template["change_signal"]) == ("signal", "SIGHUP")
    data = template["data"]
    assert re.search(r"^\s*sync_interval:\s*always\s*$", data, re.MULTILINE)
    assert re.search(r"cluster\s*\{[^}]*routes:", data, re.DOTALL)
    assert "nats-route://%s:6222" in data
    assert 'server_name: "sum-nats-{{ env "node.unique.name" }}"' in data
