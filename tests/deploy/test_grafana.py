"""deploy/grafana: provisioning and the pipeline dashboard's queries."""

from __future__ import annotations

import json
from typing import Any

import yaml

from .dashboard_metrics import metric_names_in_dashboard
from .metric_catalog import is_exported_by_services
from .tooling import DEPLOY_DIR, REPO_ROOT

GRAFANA_DIR = DEPLOY_DIR / "grafana"
DASHBOARD = GRAFANA_DIR / "dashboards" / "sum-pipeline.json"


def all_panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for panel in panels:
        found.append(panel)
        found += all_panels(panel.get("panels", []))
    return found


def test_dashboard_uses_only_metrics_the_services_export() -> None:
    names = metric_names_in_dashboard(DASHBOARD)
    assert names
    assert {name for name in names if not is_exported_by_services(name)} == set()


def test_dashboard_covers_every_concern() -> None:
    names = metric_names_in_dashboard(DASHBOARD)
    concerns = {
        "throughput": {"sum_documents_total", "sum_upload_bytes_total"},
        "latency": {
            "sum_pipeline_latency_seconds",
            "sum_stage_duration_seconds",
            "sum_http_request_duration_seconds",
        },
        "backlog": {"sum_consumer_pending", "sum_consumer_ack_pending"},
        "errors": {"sum_http_requests_total", "sum_retries_total", "sum_circuit_breaker_state"},
        "dead letters": {"sum_dead_letters_total"},
        "resources": {
            "process_resident_memory_bytes",
            "process_cpu_seconds_total",
            "sum_db_pool_in_use",
            "sum_db_pool_size",
        },
    }
    for concern, expected in concerns.items():
        assert expected <= names, concern


def test_panels_use_the_provisioned_datasource() -> None:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    assert [d["uid"] for d in provisioned] == ["prometheus"]
    assert provisioned[0]["url"] == "http://prometheus:9090"
    dashboard = json.loads(DASHBOARD.read_text())
    panels = all_panels(dashboard["panels"])
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids))
    for panel in panels:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "prometheus", panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "prometheus", panel["title"]


def test_dashboard_provider_reads_the_directory_compose_mounts() -> None:
    provider = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "dashboards" / "sum.yml").read_text()
    )["providers"][0]
    compose = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
