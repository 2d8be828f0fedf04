"""Metric names used by PromQL expressions in Grafana dashboards and Prometheus rules.

Names are metric families as a service exposes them: a histogram or summary series
(`x_bucket`, `x_sum`, `x_count`) counts as `x`; counters keep their `_total`. So the result
can be compared with the families of a real scrape of the services.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_NAME_MATCHER = re.compile(r'__name__\s*=\s*("(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\')')
_COMMENT = re.compile(r"#[^\n]*")
_GRAFANA_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|\[\[[^\]]*\]\]|\w+)")
_LABEL_SET = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE
)
_OFFSET = re.compile(r"\boffset\s+-?\w+", re.IGNORECASE)
_AT_MODIFIER = re.compile(r"@\s*(?:start\s*\(\s*\)|end\s*\(\s*\)|[0-9.]+)")
# Not preceded by a word character or a dot, so `1e9`, `0x1f` and `2.5e-3` are no names.
_IDENTIFIER = re.compile(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")
_KEYWORDS = frozenset(
    {
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "offset",
        "inf",
        "nan",
    }
)
_SERIES_SUFFIXES = ("_bucket", "_sum", "_count")
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((.*),\s*[a-zA-Z_]\w*\s*\)\s*$", re.DOTALL)
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((.*)\)\s*$", re.DOTALL)


def family_name(series_name: str) -> str:
    """`x_bucket`/`x_sum`/`x_count` -> `x`; any other name unchanged.

    Only a suffix is removed (never the `sum_` prefix), and only when a real name is left.
    """
    for suffix in _SERIES_SUFFIXES:
        base = series_name.removesuffix(suffix)
        if base != series_name and base and not base.endswith("_"):
            return base
    return series_name


def metric_names_in_expr(expr: str) -> set[str]:
    """Metric families that one PromQL expression selects (functions and labels excluded)."""
    names = {_unquote(m) for m in _NAME_MATCHER.findall(expr)}
    text = _STRING.sub('""', expr)
    text = _COMMENT.sub(" ", text)
    text = _GRAFANA_VARIABLE.sub(" ", text)
    text = _LABEL_SET.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _OFFSET.sub(" ", text)
    text = _AT_MODIFIER.sub(" ", text)
    for match in _IDENTIFIER.finditer(text):
        word = match.group()
        if word.lower() in _KEYWORDS or text[match.end() :].lstrip().startswith("("):
            continue  # a keyword, or a function / aggregation call
        names.add(word)
    return {family_name(name) for name in names if name}


def metric_names_in_dashboard(path: Path | str) -> set[str]:
    """Metric families used by every panel query and template variable of a dashboard JSON."""
    dashboard = json.loads(Path(path).read_text())
    names: set[str] = set()
    for expr in _panel_exprs(dashboard.get("panels", [])):
        names |= metric_names_in_expr(expr)
    for variable in dashboard.get("templating", {}).get("list", []):
        names |= _variable_metric_names(variable)
    return names


def _panel_exprs(panels: list[dict[str, Any]]) -> Iterator[str]:
    for panel in panels:
        for target in panel.get("targets", []):
            if isinstance(target.get("expr"), str) and target["expr"].strip():
                yield target["expr"]
        # Collapsed rows keep their panels inside.
        yield from _panel_exprs(panel.get("panels", []))


def _variable_metric_names(variable: dict[str, Any]) -> set[str]:
    if variable.get("type") != "query":
        return set()
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    if not isinstance(query, str):
        return set()
    for pattern in (_LABEL_VALUES, _QUERY_RESULT):
        match = pattern.match(query)
        if match:
            return metric_names_in_expr(match.group(1))
    return set()  # label_values(label) and metrics(regex) select no family


def _unquote(token: str) -> str:
    return token[1:-1]
