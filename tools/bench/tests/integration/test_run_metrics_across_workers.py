"""`anpr run ingest` with two HTTP worker processes: /metrics counts what all workers served, whichever
worker a scrape reaches (prometheus_client's multiprocess mode, set up by `anpr run`)."""

import uuid
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from anpr_bench.ingest_server import IngestProcess
from anpr_cli.processes import free_port

REQUESTS = 40


def healthz_count(metrics: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics)
        if family.name == "anpr_http_request_seconds"
        for sample in family.samples
        if sample.name.endswith("_count") and sample.labels["route"] == "/healthz"
    )


def test_metrics_add_up_over_http_workers(infra: dict[str, str]) -> None:
    env: dict[str, Any] = {
        **infra,
        "ANPR_ENV": "test",
        "ANPR_ADMIN_TOKEN": "test-admin-token",
        "ANPR_TOPIC_PREFIX": f"t{uuid.uuid4().hex[:10]}.",
        "ANPR_INGEST_HTTP_WORKERS": "2",
    }
    server = IngestProcess(env, free_port())
    server.start()
    try:
        for _ in range(REQUESTS):
            # A new connection each time, so the requests spread over the workers.
            assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
        scrapes = [httpx.get(f"{server.url}/metrics", timeout=5).text for _ in range(4)]
    finally:
        server.stop()
    # One worker alone would report only its share, and different scrapes would disagree.
    assert [healthz_count(scrape) for scrape in scrapes] == [REQUESTS] * 4
