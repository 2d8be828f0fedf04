"""The PromQL name extraction the dashboard and rule checks rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .dashboard_metrics import family_name, metric_names_in_dashboard, metric_names_in_expr


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("sum_service_up", {"sum_service_up"}),
        (
            "histogram_quantile(0.95, sum by (le, route) (rate("
            'sum_http_request_duration_seconds_bucket{route!~".*/events", method="GET"}'
            "[$__rate_interval])))",
            {"sum_http_request_duration_seconds"},
        ),
        (
            "sum(rate(sum_stage_duration_seconds_sum[5m])) by (stage)"
            " / sum(rate(sum_stage_duration_seconds_count[5m])) by (stage)",
            {"sum_stage_duration_seconds"},
        ),
        # Keywords, vector matching, bool, offsets and scientific notation are no names.
        (
            "sum_db_pool_in_use / on (service, instance) group_left (job) sum_db_pool_size"
            " > bool 0.9 and process_resident_memory_bytes offset 1h > 1e9",
            {"sum_db_pool_in_use", "sum_db_pool_size", "process_resident_memory_bytes"},
        ),
        # Strings may contain braces, parentheses and metric-like words.
        (
            'label_replace(sum_consumer_pending{consumer=~"ingest|x{2}"}, "stage", "$1",'
            ' "consumer", "(sum_fake_total)")',
            {"sum_consumer_pending"},
        ),
        ('{__name__="sum_alert_firing", alert="X"}', {"sum_alert_firing"}),
        ('absent(up{job="sum-gateway"}) or vector(0)', {"up"}),
        ("count(sum_documents_total) @ end()", {"sum_documents_total"}),
        ("topk(5, sum_retries_total) # most retries\n", {"sum_retries_total"}),
        ("Inf > NaN", set()),
    ],
)
def test_metric_names_in_expr(expr: str, expected: set[str]) -> None:
    assert metric_names_in_expr(expr) == expected


def test_family_name_only_removes_a_series_suffix() -> None:
    assert family_name("sum_pipeline_latency_seconds_bucket") == "sum_pipeline_latency_seconds"
    assert family_name("sum_documents_total") == "sum_documents_total"
    assert family_name("sum_count") == "sum"
    assert family_name("_count") == "_count"
    assert family_name("sum_pipeline_documents") == "sum_pipeline_documents"


def test_metric_names_in_dashboard_reads_rows_targets_and_variables(tmp_path: Path) -> None:
    dashboard = {
        "panels": [
            {
                "type": "row",
                "collapsed": True,
                "panels": [
                    {"targets": [{"expr": "max by (consumer) (sum_consumer_pending)"}]},
                ],
            },
            {"targets": [{"expr": "rate(sum_retries_total[5m])"}, {"expr": ""}]},
            {"type": "text"},
        ],
        "templating": {
            "list": [
                {
                    "type": "query",
                    "query": {"query": 'label_values(sum_http_requests_total{x="1"}, service)'},
                },
                {"type": "query", "query": "label_values(stage)"},
                {"type": "query", "query": "query_result(topk(3, sum_dead_letters_total))"},
                {"type": "custom", "query": "a,b"},
            ]
        },
    }
    path = tmp_path / "dashboard.json"
    path.write_text(json.dumps(dashboard))
    assert metric_names_in_dashboard(path) == {
        "sum_consumer_pending",
        "sum_retries_total",
        "sum_http_requests_total",
        "sum_dead_letters_total",
    }
