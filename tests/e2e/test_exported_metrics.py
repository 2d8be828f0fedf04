"""Every metric a Grafana panel or a Prometheus rule names is really exported by the services."""

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import wait_for
from tests.deploy.dashboard_metrics import metric_names_in_dashboard, metric_names_in_expr
from tests.platform import SERVICES

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULE_FILES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
PROMETHEUS_OWN = {"up"}  # written by Prometheus for every target, never by a service


def families(text: str) -> set[str]:
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name + "_total" if family.type == "counter" else family.name)
    return names


def names_in_rules() -> set[str]:
    import yaml

    names: set[str] = set()
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                names |= metric_names_in_expr(rule["expr"])
    return names


async def test_dashboards_and_rules_use_only_exported_metrics(platform) -> None:
    async with httpx.AsyncClient(timeout=10, headers=platform.auth) as client:
        upload = await client.post(
            platform.url("gateway") + "/v1/documents",
            files={"file": ("m.txt", b"Metrics are exported. Every panel has data.")},
        )
        assert upload.status_code == 202

        async def scraped() -> set[str] | None:
            names: set[str] = set()
            for service in SERVICES:
                names |= families((await client.get(platform.url(service) + "/metrics")).text)
            # The monitor's backlog and pipeline gauges appear after its first rounds.
            return names if "sum_consumer_pending" in names else None

        exported = await wait_for(scraped, timeout=30, interval=0.5)

    used = {name for path in DASHBOARDS for name in metric_names_in_dashboard(path)}
    assert DASHBOARDS and used, "no dashboard queries found"
    missing_in_dashboards = sorted(used - exported)
    assert not missing_in_dashboards, f"dashboard metrics not exported: {missing_in_dashboards}"
    missing_in_rules = sorted(names_in_rules() - exported - PROMETHEUS_OWN)
    assert not missing_in_rules, f"alert-rule metrics not exported: {missing_in_rules}"
