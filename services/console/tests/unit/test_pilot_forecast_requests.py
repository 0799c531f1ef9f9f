"""The pilot screen's forecast projects exemption requests from the counter's real applications (exemptions'
counts over the review measurement's 28 days, read with the planner's purpose), the form's percentage
while there are none, else the fitted permit share; the page says which."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from anpr_console.domain.pilot import PilotProblem
from anpr_console.domain.pilot_forecast import counts_purpose, parse_forecast, request_source
from anpr_pilot.exemption_requests import observed_applications, request_rate

from .test_pilot_routes import BLAUW, OPERATOR, STATS, Services, _client, _upload

COUNTS = "/v1/counter/application-counts"


def counted(total: int) -> httpx.Response:
    return httpx.Response(200, json={"total": total, "per_kind": {"day-permit": total} if total else {}, "days": []})


@pytest.fixture
def services() -> Services:
    return Services()


async def test_real_applications_are_what_the_requests_are_projected_from(services: Services) -> None:
    services.answers[("GET", COUNTS)] = counted(5)  # against notices' 5 candidates: half the affected asked

    page = await _upload(_client(services, frozenset({"supervisor"})), BLAUW, exemption_request_rate="20")

    assert page.status_code == 200, page.text
    [body] = services.bodies("/v1/forecast")
    assert body["exemption_request_rate"] == 0.5, "the real applications win over the form's percentage"
    [asked] = [r for r in services.sent if r.url.path == COUNTS]
    assert asked.headers["X-Purpose"] == "supervision: pilot forecast"
    assert asked.headers["Authorization"] == "Bearer access-1"  # the planner's own token
    [stats] = [r for r in services.sent if r.url.path == "/v1/stats"]
    assert dict(asked.url.params) == dict(stats.url.params), "the same 28 days as the review measurement"
    assert "5 echte aanvragen bij het loket tegen 5 kandidaten" in page.text
    assert "50,0 %" in page.text


async def test_no_applications_yet_uses_the_forms_percentage_and_says_so(services: Services) -> None:
    services.answers[("GET", COUNTS)] = counted(0)

    page = await _upload(_client(services, OPERATOR), BLAUW, exemption_request_rate="2,5")

    [body] = services.bodies("/v1/forecast")
    assert body["exemption_request_rate"] == pytest.approx(0.025)
    [asked] = [r for r in services.sent if r.url.path == COUNTS]
    assert asked.headers["X-Purpose"] == "operations: pilot forecast"
    assert "het opgegeven percentage (2,5 %): het loket heeft nog geen aanvragen" in page.text


async def test_without_exemptions_the_permit_share_is_used_and_a_note_says_why(services: Services) -> None:
    services.answers[("GET", COUNTS)] = httpx.Response(503)

    page = await _upload(_client(services, OPERATOR), BLAUW)

    [body] = services.bodies("/v1/forecast")
    assert "exemption_request_rate" not in body, "rules fits the permit share"
    assert "het aandeel met ontheffing in het verkeer" in page.text
    assert "Het aantal aanvragen bij het loket was niet op te vragen" in page.text


@pytest.mark.parametrize("typed", ["abc", "101", "-1"])
def test_a_percentage_outside_0_to_100_is_refused_on_its_field(typed: str) -> None:
    fields = {"from": "2026-05-01", "to": "2026-05-01", "exemption_request_rate": typed}
    with pytest.raises(PilotProblem) as refused:
        parse_forecast(fields, {"regime_file": BLAUW})
    assert (refused.value.field, refused.value.message) == ("exemption_request_rate", "pilot.form.percent_invalid")


def test_the_purpose_follows_the_planners_role() -> None:
    assert counts_purpose({"operator", "supervisor"}) == "supervision: pilot forecast"
    assert counts_purpose({"reviewer"}) is None


@pytest.mark.parametrize(
    ("total", "configured"), [(5, None), (5, 0.2), (0, 0.2), (0, None), (3, 0.0), (None, 0.1), (None, None)]
)
def test_the_same_rule_as_anpr_forecast(total: int | None, configured: float | None) -> None:
    """The console's copy (no pilot library in the console's image) against anpr_pilot's, same inputs."""
    until = datetime.now(UTC)
    since = until - timedelta(days=28)
    counts = None if total is None else {"total": total}
    ours = request_source(counts, STATS, configured)
    observed = None if counts is None else observed_applications(counts, STATS, since, until)
    theirs = request_rate(observed, configured)

    assert (ours.source, ours.rate) == (theirs.source, theirs.rate)
