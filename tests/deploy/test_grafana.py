"""Every metric a dashboard query or an alert names is one the code exports (a renamed metric must not
leave a panel silently empty or an alert silently quiet), and the panels cover lag, handling time,
decisions and HTTP latency."""

import importlib
import json
import re
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

from .conftest import ROOT, SERVICES

DASHBOARD = ROOT / "deploy" / "grafana" / "anpr-dashboard.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
# PromQL words that are not metric names (functions, aggregations, operators, keywords).
PROMQL_WORDS = {
    "sum",
    "min",
    "max",
    "avg",
    "count",
    "topk",
    "bottomk",
    "quantile",
    "stddev",
    "group",
    "rate",
    "irate",
    "increase",
    "delta",
    "deriv",
    "histogram_quantile",
    "time",
    "vector",
    "scalar",
    "clamp_min",
    "clamp_max",
    "abs",
    "label_replace",
    "sort",
    "sort_desc",
    "absent",
    "max_over_time",
    "min_over_time",
    "avg_over_time",
    "and",
    "or",
    "unless",
    "offset",
    "bool",
}


def exported_names() -> set[str]:
    """Sample names the services' metrics can produce, from their registered families."""
    for service in SERVICES:
        importlib.import_module(f"anpr_{service}.entrypoints.api")
    importlib.import_module("anpr_runtime.lag")
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "gauge": ("",),
        "info": ("_info",),
        "summary": ("_sum", "_count", "_created", ""),
    }
    names = set()
    for family in REGISTRY.collect():
        names.update(f"{family.name}{suffix}" for suffix in suffixes.get(family.type, ("",)))
    return names


def metric_names(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    without_groupings = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", without_ranges)
    words = re.findall(r"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*", without_groupings)
    return {word for word in words if word not in PROMQL_WORDS}


def queries(dashboard: dict[str, Any]) -> list[str]:
    found = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    found += [v["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return found


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def test_every_metric_in_a_query_is_exported_by_the_code(dashboard: dict[str, Any]) -> None:
    exported = exported_names()
    for expr in queries(dashboard):
        unknown = metric_names(re.sub(r"label_values\(([^,)]+)[^)]*\)", r"\1", expr)) - exported
        assert not unknown, f"{unknown} in {expr!r} is exported by no service"


def test_every_metric_in_an_alert_is_exported_by_the_code() -> None:
    exported = exported_names()
    rules = [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]
    assert len(rules) >= 5
    for rule in rules:
        unknown = metric_names(rule["expr"]) - exported
        assert not unknown, f"{unknown} in alert {rule['alert']} is exported by no service"


def test_the_parser_finds_metric_names_and_nothing_else() -> None:
    expr = 'histogram_quantile(0.99, sum by (le, group) (rate(anpr_x_bucket{route!~"/a|/b"}[$__rate_interval])))'
    assert metric_names(expr) == {"anpr_x_bucket"}
    assert metric_names("time() - anpr_y_seconds > 600 or vector(0)") == {"anpr_y_seconds"}


def test_the_panels_cover_lag_handling_time_decisions_and_http_latency(dashboard: dict[str, Any]) -> None:
    named = set().union(*(metric_names(expr) for expr in queries(dashboard)))
    assert {
        "anpr_consumer_lag",
        "anpr_consumer_process_seconds_bucket",
        "anpr_rules_decisions_total",
        "anpr_http_request_seconds_bucket",
        "anpr_consumer_messages_total",
    } <= named


def test_panels_have_unique_ids_and_use_the_datasource_variable(dashboard: dict[str, Any]) -> None:
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
