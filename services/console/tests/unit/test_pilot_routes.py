"""The pilot screen's routes end to end inside the console: a fake session, the services answered by an
httpx MockTransport that records what the console sent (and with whose token)."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from anpr_console import create_app

from .fakes import console_client, signed_in_session

ROOT = Path(__file__).resolve().parents[4]
BLAUW = (ROOT / "deploy" / "pilot" / "milieuzone-blauw.yaml").read_bytes()
CSRF = "csrf-secret"
Upstream = Callable[[httpx.Request], httpx.Response]

REGIMES = [
    {
        "id": "milieuzone-centrum",
        "version": "2",
        "name": "Milieuzone centrum",
        "kind": "milieuzone",
        "applies_at": {"locations": ["loc-centrum-noord"], "zones": ["centrum"]},
        "effective_from": "2025-01-01T00:00:00+01:00",
        "effective_until": None,
        "modes": [
            {"starts": "2025-01-01T00:00:00+01:00", "mode": "observe"},
            {"starts": "2099-01-01T00:00:00+01:00", "mode": "enforce"},
        ],
    }
]
FORECAST = {
    "regime_id": "milieuzone-blauw",
    "baseline_regime_id": "milieuzone-centrum",
    "since": "2026-05-01T00:00:00+02:00",
    "until": "2026-05-02T00:00:00+02:00",
    "permit_share": 0.05,
    "unobserved_hours": 0,
    "totals": {
        "reads": 1000.0,
        "candidates": 12.5,
        "review_items": 3.0,
        "reviewer_hours": 0.4,
        "warning_letters": 12.5,
        "notices": 0.0,
        "exemption_requests": 1.2,
        "actual_candidates": 9,
    },
    "days": [
        {
            "day": "2026-05-01",
            "reads": 1000.0,
            "candidates": 12.5,
            "review_items": 3.0,
            "reviewer_hours": 0.4,
            "warning_letters": 12.5,
            "notices": 0.0,
            "exemption_requests": 1.2,
            "actual_candidates": 9,
        }
    ],
    "vehicles_in_mix": 3000,
    "reads_replayed": 1000,
}
STATS = {
    "per_hour": [
        {
            "regime_id": "milieuzone-centrum",
            "location_id": "loc-centrum-noord",
            "hour": "2026-05-01T10:00:00+00:00",
            "reads_judged": 40,
            "outcomes": {"no_hit": 35, "candidate": 5},
            "candidates": 5,
            "accepted": 3,
            "rejected": {"misread": 1},
        }
    ],
    "reviewers": [{"reviewer": "sub-1", "hour": "2026-05-01T11:00:00+00:00", "decisions": 4}],
    "backlog": {"pending": 1, "awaiting_second_review": 0, "oldest_pending_age_seconds": 3600},
    "sources": {"rules_outcome_counts": "ok"},
}


class Services:
    """The upstream services: answers by (method, path); every request kept for the assertions."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self.answers: dict[tuple[str, str], httpx.Response] = {
            ("GET", "/v1/regimes"): httpx.Response(200, json=REGIMES),
            ("POST", "/v1/forecast"): httpx.Response(200, json=FORECAST),
            ("GET", "/v1/stats"): httpx.Response(200, json=STATS),
            ("GET", "/v1/cameras"): httpx.Response(
                200, json=[{"camera_id": "cam-1", "kind": "rotating"}, {"camera_id": "cam-old", "kind": "fixed"}]
            ),
            ("GET", "/v1/cameras/cam-1/placements"): httpx.Response(
                200,
                json=[
                    {"location_id": "loc-centrum-noord", "valid_from": "2026-04-01T00:00:00+00:00", "valid_until": None}
                ],
            ),
            ("GET", "/v1/cameras/cam-old/placements"): httpx.Response(
                200,
                json=[
                    {
                        "location_id": "loc-x",
                        "valid_from": "2025-01-01T00:00:00+00:00",
                        "valid_until": "2025-02-01T00:00:00+00:00",
                    }
                ],
            ),
            ("GET", "/v1/locations"): httpx.Response(
                200, json=[{"location_id": "loc-centrum-noord", "zone_id": "centrum"}]
            ),
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.answers.get((request.method, request.url.path), httpx.Response(404, json={"detail": "Not Found"}))

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.sent if r.url.path == path and r.method == "POST"]


@pytest.fixture
def services() -> Services:
    return Services()


def _client(services: Services, roles: frozenset[str]) -> httpx.AsyncClient:
    person = signed_in_session(
        "Olga Operator",
        roles,
        CSRF,
        subject="sub-olga",
        tokens_for=timedelta(hours=1),
        session_for=timedelta(minutes=30),
    )
    return console_client(services, person)


OPERATOR = frozenset({"operator"})


async def _upload(client: httpx.AsyncClient, content: bytes, **fields: str) -> httpx.Response:
    data = {"csrf_token": CSRF, "from": "2026-05-01", "to": "2026-05-01", **fields}
    return await client.post(
        "/pilot/forecast", data=data, files={"regime_file": ("blauw.yaml", content, "application/yaml")}
    )


async def test_the_regimes_page_shows_mode_now_and_the_next_switch(services: Services) -> None:
    page = await _client(services, OPERATOR).get("/pilot")
    assert page.status_code == 200
    assert "milieuzone-centrum" in page.text
    assert "waarnemen" in page.text
    assert "handhaven" in page.text
    assert '<th scope="col">' in page.text
    assert "<caption>" in page.text
    assert services.sent[0].headers["Authorization"] == "Bearer access-1"  # the person's own token


async def test_a_person_without_operator_or_supervisor_gets_the_403_page(services: Services) -> None:
    page = await _client(services, frozenset({"reviewer"})).get("/pilot/report")
    assert page.status_code == 403
    assert services.sent == []


async def test_rules_down_gives_the_503_page(services: Services) -> None:
    services.answers["GET", "/v1/regimes"] = httpx.Response(503)
    page = await _client(services, OPERATOR).get("/pilot")
    assert page.status_code == 503


async def test_a_forecast_sends_the_parsed_regime_and_shows_the_figures(services: Services) -> None:
    page = await _upload(_client(services, OPERATOR), BLAUW, baseline="milieuzone-centrum")
    assert page.status_code == 200, page.text
    [body] = services.bodies("/v1/forecast")
    assert body["regime"]["id"] == "milieuzone-blauw"
    assert body["baseline_regime_id"] == "milieuzone-centrum"
    assert body["decisions_per_hour"] == 4.0  # measured from notices' stats: the form left it empty
    assert body["zones"] == {"loc-centrum-noord": "centrum"}
    assert 'id="forecast-days"' in page.text
    assert "12,5" in page.text


async def test_bad_yaml_marks_the_file_field_and_keeps_the_period(services: Services) -> None:
    page = await _upload(_client(services, OPERATOR), b"id: [unclosed\n", to="2026-05-03")
    assert page.status_code == 422
    assert 'aria-invalid="true" aria-describedby="regime_file-error"' in page.text
    assert 'id="regime_file-error"' in page.text
    assert 'value="2026-05-03"' in page.text
    assert services.bodies("/v1/forecast") == []


async def test_rules_reason_for_an_invalid_regime_lands_on_the_file_field(services: Services) -> None:
    detail = [{"loc": ["body", "regime", "applies_at"], "msg": "Field required", "type": "missing"}]
    services.answers["POST", "/v1/forecast"] = httpx.Response(422, json={"detail": detail})
    page = await _upload(_client(services, OPERATOR), BLAUW)
    assert page.status_code == 422
    assert "regime.applies_at: Field required" in page.text
    assert 'aria-describedby="regime_file-error"' in page.text


async def test_an_unknown_baseline_lands_on_the_baseline_field(services: Services) -> None:
    services.answers["POST", "/v1/forecast"] = httpx.Response(
        422, json={"detail": "no regime 'nope' in force to replay: give baseline_regime_id"}
    )
    page = await _upload(_client(services, OPERATOR), BLAUW, baseline="nope")
    assert page.status_code == 422
    assert 'aria-describedby="baseline-error"' in page.text


async def test_a_forecast_without_the_csrf_token_is_refused(services: Services) -> None:
    client = _client(services, OPERATOR)
    page = await client.post("/pilot/forecast", data={"from": "2026-05-01"}, files={"regime_file": ("b.yaml", BLAUW)})
    assert page.status_code == 403
    assert services.bodies("/v1/forecast") == []


async def test_the_report_shows_the_figures_of_the_chosen_period(services: Services) -> None:
    page = await _client(services, frozenset({"supervisor"})).get("/pilot/report?from=2026-05-01&to=2026-05-07")
    assert page.status_code == 200
    [stats] = [r for r in services.sent if r.url.path == "/v1/stats"]
    assert stats.url.params["since"] == "2026-05-01T00:00:00+02:00"
    assert stats.url.params["until"] == "2026-05-08T00:00:00+02:00"
    assert 'id="report-regimes"' in page.text
    # cam-1 stood at loc-centrum-noord all week and saw its 40 reads; cam-old stood elsewhere, long before.
    assert (
        '<th scope="row">cam-1</th><td class="text">verplaatsbaar</td>'
        '<td class="text">loc-centrum-noord</td><td>40</td>' in page.text
    )
    assert "cam-old" not in page.text
    assert "<progress" in page.text


async def test_a_bad_report_period_is_marked_and_asks_nothing(services: Services) -> None:
    page = await _client(services, OPERATOR).get("/pilot/report?from=2026-05-07&to=2026-05-01")
    assert page.status_code == 422
    assert 'aria-describedby="to-error"' in page.text
    assert services.sent == []


async def test_the_screen_speaks_english_when_asked(services: Services) -> None:
    client = _client(services, OPERATOR)
    client.cookies.set("anpr_lang", "en")
    page = await client.get("/pilot")
    assert "Regimes in force" in page.text
    assert "observe" in page.text


def test_every_pilot_word_the_templates_use_exists_in_both_languages() -> None:
    from anpr_console.domain.messages import pilot, pilot_report

    templates = Path(create_app.__code__.co_filename).parent / "templates"
    used = set()
    for template in templates.glob("pilot*.html"):
        used |= set(re.findall(r"t\('(pilot\.[a-z_.]+)'", template.read_text()))
    # The keys built from a value: every mode, kind and outcome rules knows.
    modes = {f"pilot.mode.{m}" for m in ("observe", "warn", "enforce")}
    kinds = {f"pilot.kind.{k}" for k in ("milieuzone", "zero_emission", "closed_road", "access_window", "parking")}
    cameras = {f"pilot.camera.{k}" for k in ("fixed", "rotating")}
    outcomes = {f"pilot.outcome.{o}" for o in ("no_hit", "candidate", "not_enforceable", "exempt", "observed")}
    package = templates.parents[1]
    for module in [
        *package.glob("domain/pilot*.py"),
        *package.glob("handlers/pilot*.py"),
        package / "entrypoints/pilot.py",
    ]:
        used |= set(re.findall(r'"(pilot\.[a-z_]+\.[a-z_.]+)"', module.read_text()))  # problems and notes
    wanted = {u for u in used if not u.endswith(".")} | modes | kinds | outcomes | cameras
    assert wanted - set(pilot.NL) - set(pilot_report.NL) == set()
    assert wanted - set(pilot.EN) - set(pilot_report.EN) == set()
    assert len(used) > 40  # the scan found the templates' words


async def test_the_report_renders_without_ingest_and_says_so(services: Services) -> None:
    services.answers["GET", "/v1/cameras"] = httpx.Response(503)
    page = await _client(services, OPERATOR).get("/pilot/report?from=2026-05-01&to=2026-05-07")
    assert page.status_code == 200
    assert "niet op te vragen (ingest)" in page.text
    assert 'id="report-regimes"' in page.text
