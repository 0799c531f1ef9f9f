"""`anpr forecast` projects exemption requests from the permit counter's real applications (exemptions'
counts over the same 28 days as the measured review), the configured rate while there are none, and says
which in its output. The services are answered in memory: notices, ingest, exemptions and rules."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from anpr_cli import pilot
from anpr_cli.main import app

STATS = {
    "reviewers": [{"decisions": 30}],
    "per_hour": [
        {"accepted": 9, "rejected": {"misread": 1}, "outcomes": {"candidate": 60, "not_enforceable": 20}},
    ],
}
FORECAST = {
    "regime_id": "ze-zone-centrum",
    "baseline_regime_id": "ze-zone-centrum",
    "days": [],
    "totals": {
        c: 0.0
        for c in (
            "reads",
            "candidates",
            "review_items",
            "reviewer_hours",
            "warning_letters",
            "notices",
            "exemption_requests",
            "actual_candidates",
        )
    },
}


class Services:
    def __init__(self, counts: httpx.Response) -> None:
        self.counts = counts
        self.forecast_body: dict[str, Any] = {}
        self.counts_request: httpx.Request | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/stats":
            return httpx.Response(200, json=STATS)
        if path == "/v1/locations":
            return httpx.Response(200, json=[])
        if path == "/v1/counter/application-counts":
            self.counts_request = request
            return self.counts
        if path == "/v1/forecast":
            self.forecast_body = json.loads(request.content)
            return httpx.Response(200, json=FORECAST)
        return httpx.Response(404, json={"detail": "Not Found"})


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services: Services, *options: str) -> dict[str, Any]:
    monkeypatch.setattr(pilot, "admin_client", lambda: httpx.Client(transport=httpx.MockTransport(services)))
    monkeypatch.setattr("anpr_pilot.plot_forecast.plot_forecast", lambda result, path: None)
    regime = tmp_path / "regime.yaml"
    regime.write_text("id: ze-zone-centrum\n")
    args = ["forecast", str(regime), "--from", "2026-11-01", "--to", "2026-11-08", "--out", str(tmp_path), *options]
    outcome = CliRunner().invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    written: dict[str, Any] = json.loads((tmp_path / "forecast-ze-zone-centrum.json").read_text())
    written["_output"] = " ".join(outcome.output.split())  # rich wraps lines at the terminal width
    return written


def test_real_applications_are_what_the_requests_are_projected_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(httpx.Response(200, json={"total": 20, "per_kind": {"day-permit": 20}, "days": []}))

    result = run(tmp_path, monkeypatch, services, "--exemption-request-rate", "0.5")

    assert services.forecast_body["exemption_request_rate"] == pytest.approx(20 / (20 + 80))
    assert result["exemption_requests_source"]["source"] == "applications"
    assert (result["exemption_requests_source"]["applications"], result["exemption_requests_source"]["candidates"]) == (
        20,
        80,
    )
    assert "20 applications at the counter against 80 candidates" in result["_output"]
    assert services.counts_request is not None
    assert services.counts_request.headers["X-Purpose"] == "administration: pilot forecast"
    # The same window as the measured review throughput.
    assert set(services.counts_request.url.params) == {"since", "until"}


def test_no_applications_yet_uses_the_configured_rate_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(httpx.Response(200, json={"total": 0, "per_kind": {}, "days": []}))

    result = run(tmp_path, monkeypatch, services, "--exemption-request-rate", "0.05")

    assert services.forecast_body["exemption_request_rate"] == 0.05
    assert result["exemption_requests_source"]["source"] == "configured"
    assert "configured rate 5.0% (no applications at the counter yet)" in result["_output"]


def test_an_exemptions_without_the_count_leaves_the_permit_share_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(httpx.Response(404, json={"detail": "Not Found"}))

    result = run(tmp_path, monkeypatch, services)

    assert "exemption_request_rate" not in services.forecast_body, "rules fits the permit share"
    assert result["exemption_requests_source"] == {"source": "permit_share", "rate": None}
    assert "exemptions counts: 404" in result["_output"]
    assert "the counter's count unavailable" in result["_output"]
