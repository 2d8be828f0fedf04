"""NATS configuration files, checked by a nats-server of the release line compose deploys."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from . import nomad_hcl
from .tooling import DEPLOY_DIR, nats_server_binary

COMPOSE_CONF = DEPLOY_DIR / "nats" / "nats.conf"
ROUTE_HOSTS = ["10.0.1.11", "10.0.1.12", "10.0.1.13"]


def nats_check(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(nats_server_binary()), "-c", str(config), "-t"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def rendered_cluster_config(node_name: str) -> str:
    """The Nomad template as Nomad renders it on one node (HCL interpolation + env)."""
    job = nomad_hcl.labelled(nomad_hcl.load(DEPLOY_DIR / "nomad" / "nats.nomad.hcl")["job"])
    task = nomad_hcl.labelled(nomad_hcl.labelled(job["nats"]["group"])["nats"]["task"])["nats"]
    data: str = nomad_hcl.only(task["template"])["data"]
    routes = ", ".join(f"nats-route://{host}:6222" for host in ROUTE_HOSTS)
    data, interpolations = re.subn(
        re.escape('${join(", ", formatlist("nats-route://%s:6222", var.route_hosts))}'),
        routes,
        data,
    )
    assert interpolations == 1
    data = data.replace('{{ env "node.unique.name" }}', node_name)
    assert "{{" not in data and "${" not in data, "template has values the test cannot render"
    return data


def test_compose_nats_config_is_valid() -> None:
    result = nats_check(COMPOSE_CONF)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stderr + result.stdout


def test_nats_rejects_a_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "nats.conf"
    broken.write_text(
        COMPOSE_CONF.read_text().replace("sync_interval: always", "sync_intervall: always")
    )
    result = nats_check(broken)
    assert result.returncode != 0
    assert "sync_intervall" in result.stderr


def test_nomad_cluster_config_renders_to_a_valid_config(tmp_path: Path) -> None:
    config = tmp_path / "nats.conf"
    config.write_text(rendered_cluster_config("node-a"))
    result = nats_check(config)
    assert result.returncode == 0, result.stderr
    text = config.read_text()
    assert 'server_name: "sum-nats-node-a"' in text
    assert all(f"nats-route://{host}:6222" in text for host in ROUTE_HOSTS)
