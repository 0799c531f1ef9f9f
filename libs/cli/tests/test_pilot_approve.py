"""`anpr plan-rotation --approve`: an approved plan becomes ingest placements, one per arrival, an end per
switch-off, at local midnight; a camera that stays where it stands gets nothing."""

import json
from datetime import date

import httpx

from anpr_cli.pilot import _write_placements
from anpr_pilot.scenario import LocationRates, Scenario, Schedule

MONDAY = date(2026, 11, 30)


def test_an_approved_plan_is_written_as_placements_and_ends() -> None:
    sent: list[tuple[str, dict[str, str]]] = []

    def ingest(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.path, json.loads(request.content)))
        return httpx.Response(201, json={})

    rates = tuple(LocationRates(loc, (1.0,) * 7) for loc in ("loc-a", "loc-b"))
    scenario = Scenario(("cam-1", "cam-2"), rates, MONDAY, 4, current={"cam-1": "loc-a"})
    days = tuple(scenario.dates)
    plan = Schedule("plan", days, {"cam-1": ("loc-a", "loc-a", None, "loc-b"), "cam-2": (None, "loc-b", "loc-b", None)})

    with httpx.Client(transport=httpx.MockTransport(ingest), base_url="http://ingest") as client:
        _write_placements(client, plan, scenario)

    assert sent == [
        ("/v1/cameras/cam-1/placements/end", {"valid_until": "2026-12-02T00:00:00+01:00"}),
        ("/v1/cameras/cam-1/placements", {"location_id": "loc-b", "valid_from": "2026-12-03T00:00:00+01:00"}),
        ("/v1/cameras/cam-2/placements", {"location_id": "loc-b", "valid_from": "2026-12-01T00:00:00+01:00"}),
        ("/v1/cameras/cam-2/placements/end", {"valid_until": "2026-12-03T00:00:00+01:00"}),
    ]
