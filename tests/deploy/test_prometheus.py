"""deploy/prometheus: promtool checks, unit tests for every rule, and the rules' contents."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .dashboard_metrics import metric_names_in_expr
from .metric_catalog import PROMETHEUS_SYNTHETIC, is_exported_by_services
from .tooling import DEPLOY_DIR, REPO_ROOT, require_tool

PROMETHEUS_DIR = DEPLOY_DIR / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
OPERATIONS = REPO_ROOT / "docs" / "OPERATIONS.md"


def promtool(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("promtool"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def alerting_rules() -> list[dict[str, Any]]:
    rules = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            rules += [rule for rule in group["rules"] if "alert" in rule]
    return rules


def test_rule_and_test_files_exist() -> None:
    assert RULE_FILES and TEST_FILES


def test_promtool_accepts_the_config_and_its_rule_files() -> None:
    result = promtool("check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(RULE_FILES)} rule files found" in result.stdout


def test_promtool_accepts_the_rules() -> None:
    result = promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = promtool("test", "rules", *map(str, TEST_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(TEST_FILES)


def test_the_unit_tests_catch_a_changed_threshold(tmp_path: Path) -> None:
    copy = tmp_path / "prometheus"
    shutil.copytree(PROMETHEUS_DIR, copy)
    rules = copy / "rules" / "pipeline.yml"
    text = rules.read_text()
    assert text.count("> 1000") == 1
    rules.write_text(text.replace("> 1000", "> 5000"))
    result = promtool("test", "rules", *map(str, sorted((copy / "tests").glob("*.yml"))))
    assert result.returncode != 0
    assert "SumBacklogHigh" in result.stdout + result.stderr


def test_promtool_rejects_a_broken_rule(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(RULE_FILES[0].read_text().replace("max by (stream, consumer)", "max by (", 1))
    result = promtool("check", "rules", str(broken))
    assert result.returncode != 0


def test_every_alert_has_a_firing_and_a_quiet_test_case() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in TEST_FILES:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {rule["alert"] for rule in alerting_rules()}
    assert names - firing == set(), "alerts never shown firing"
    assert names - quiet == set(), "alerts never shown staying quiet"
    assert (firing | quiet) - names == set(), "tests for alerts that do not exist"


def test_alerts_are_labelled_annotated_and_documented() -> None:
    runbook = OPERATIONS.read_text()
    headings = {
        line.lstrip("#").strip().lower() for line in runbook.splitlines() if line.startswith("### ")
    }
    for rule in alerting_rules():
        name = rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], name
        assert annotations["runbook_url"] == f"docs/OPERATIONS.md#{name.lower()}", name
        assert name.lower() in headings, f"no runbook section '### {name}' in OPERATIONS.md"


def test_rules_use_only_metrics_the_platform_exports() -> None:
    for rule in alerting_rules():
        names = metric_names_in_expr(rule["expr"])
        assert names, rule["alert"]
        unknown = {n for n in names if not is_exported_by_services(n)} - PROMETHEUS_SYNTHETIC
        assert unknown == set(), rule["alert"]


def test_every_service_and_the_nats_exporter_are_scraped() -> None:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    targets: dict[str, set[str]] = {}
    for job in config["scrape_configs"]:
        found = {t for sc in job.get("static_configs", []) for t in sc["targets"]}
        found |= {
            f"{name}:{sd['port']}" for sd in job.get("dns_sd_configs", []) for name in sd["names"]
        }
        targets[job["job_name"]] = found
    assert targets["sum-gateway"] == {"gateway:5001"}
    assert targets["sum-ingest"] == {"ingest:5002"}
    assert targets["sum-processor"] == {"processor:5003"}
    assert targets["sum-monitor"] == {"monitor:5004"}
    assert targets["nats"] == {"nats-exporter:7777"}
    assert config["rule_files"] == ["rules/*.yml"]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_files_mention_their_runbook(path: Path) -> None:
    assert re.search(r"OPERATIONS\.md", path.read_text())
