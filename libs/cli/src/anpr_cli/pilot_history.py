"""`anpr pilot-history`: give a running demo some weeks of pilot behind it, through the real APIs.

`make demo` posts a handful of frames "now": too little for a forecast, a rotation plan or a pilot report.
This replays synthetic traffic for the past weeks: consent at the demo's locations and three more, a second
rotating camera, both rotating cameras moving every few days (placement history), reads of the demo RDW
registry's vehicles (and some foreign and unregistered plates) sent to ingest's batch API with their past
observation moments, so rules judges and counts them as it would have; then a reviewer decides part of
the queue. Nothing is written around the services: every number the tools show comes through them."""

import csv
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from anpr_cli.paths import demo_registry_file
from anpr_cli.service_api import admin_client, get_json, service_url

console = Console()
ZONE_REGIMES = ["milieuzone-centrum", "ze-zone-centrum"]
# (location, name, reads per camera-day): the demo's two locations and three more in zone centrum.
LOCATIONS = (
    ("loc-centrum-noord", "Centrum, Nieuwe Gracht", 420),
    ("loc-centrum-zuid", "Centrum, Raamvest", 260),
    ("loc-centrum-west", "Centrum, Zijlweg", 180),
    ("loc-centrum-oost", "Centrum, Spaarndamseweg", 520),
    ("loc-station", "Stationsplein", 650),
)
ROTATING = ("cam-rotating-1", "cam-rotating-2")
FIXED = ("cam-centrum-1", "loc-centrum-noord")


def _post(client: httpx.Client, service: str, path: str, body: Any, ok: tuple[int, ...] = (200, 201, 202)) -> Any:
    response = client.post(service_url(service, path), json=body)
    if response.status_code not in (*ok, 409):
        raise typer.BadParameter(f"{service} {path}: {response.status_code} {response.text}")
    return response.json() if response.status_code != 409 else None


def _sites(client: httpx.Client, start: datetime, rng: random.Random) -> dict[str, list[tuple[str, datetime]]]:
    """Locations with consent, cameras, and where each camera stood from when (appended after what is there)."""
    for n, (location, name, _) in enumerate(LOCATIONS):
        body = {"location_id": location, "name": name, "regimes": ZONE_REGIMES, "zone_id": "centrum"}
        _post(client, "ingest", "/v1/locations", body)
        consent = {"consent_reference": f"OM-CVOM-2026-{101 + n}"}
        client.patch(service_url("ingest", f"/v1/locations/{location}"), json=consent).raise_for_status()
    for camera in ROTATING:
        _post(client, "ingest", "/v1/cameras", {"camera_id": camera, "kind": "rotating"})
    _post(client, "ingest", "/v1/cameras", {"camera_id": FIXED[0], "kind": "fixed"})
    if not get_json(client, "ingest", f"/v1/cameras/{FIXED[0]}/placements"):
        _post(
            client,
            "ingest",
            f"/v1/cameras/{FIXED[0]}/placements",
            {"location_id": FIXED[1], "valid_from": start.isoformat()},
        )
    stood: dict[str, list[tuple[str, datetime]]] = {FIXED[0]: [(FIXED[1], start)]}
    others = [loc for loc, _, _ in LOCATIONS if loc != FIXED[1]]
    now = datetime.now(UTC)
    for offset, camera in enumerate(ROTATING):
        history = get_json(client, "ingest", f"/v1/cameras/{camera}/placements")
        last = datetime.fromisoformat(history[-1]["valid_from"]) if history else None
        moment, turn, plan = start + timedelta(days=offset), offset * 2, []
        while moment < now:
            plan.append((others[turn % len(others)], moment))
            moment += timedelta(days=rng.randint(3, 6))
            turn += 1
        for location, since in plan:
            if last is None or since > last:  # the history only grows: a second run adds nothing before it
                _post(
                    client,
                    "ingest",
                    f"/v1/cameras/{camera}/placements",
                    {"location_id": location, "valid_from": since.isoformat()},
                )
        stood[camera] = plan
    return stood


def _plates() -> list[str]:
    with demo_registry_file().open() as handle:
        return [row["kenteken"] for row in csv.DictReader(handle)]


def _reads(stood: dict[str, list[tuple[str, datetime]]], start: datetime, rng: random.Random) -> list[dict[str, Any]]:
    plates = _plates()
    popularity = [rng.paretovariate(1.5) for _ in plates]  # regulars and passers-by
    rates = {location: per_day for location, _, per_day in LOCATIONS}
    profile = [0.2] * 6 + [0.8, 1.6, 1.8, 1.4, 1.2, 1.2, 1.3, 1.2, 1.2, 1.4, 1.7, 1.8, 1.3, 0.9, 0.6, 0.4, 0.3, 0.2]
    scale = 24 / sum(profile)
    now = datetime.now(UTC) - timedelta(minutes=5)
    reads = []
    for camera, plan in stood.items():
        for index, (location, since) in enumerate(plan):
            until = plan[index + 1][1] if index + 1 < len(plan) else now
            hour = since
            while hour < min(until, now):
                weekend = 0.6 if hour.weekday() >= 5 else 1.0
                expected = rates[location] / 24 * profile[(hour.hour + 1) % 24] * scale * weekend
                for _ in range(_poisson(rng, expected)):
                    moment = hour + timedelta(seconds=rng.randint(0, 3599))
                    if moment >= min(until, now):
                        continue
                    kind = rng.random()
                    plate, country = rng.choices(plates, popularity)[0], "NL"
                    if kind < 0.03:
                        plate, country = (
                            f"{rng.choice('BDFGHKM')}{rng.choice('ABCDEFGH')}{rng.randint(1000, 9999)}",
                            "DE",
                        )
                    elif kind < 0.05:
                        plate = f"{rng.randint(10, 99)}XZ{rng.randint(10, 99)}"  # not in the registry
                    confidence = min(1.0, max(0.3, rng.betavariate(12, 1.2)))
                    reads.append(
                        {
                            "source": "camera",
                            "camera_id": camera,
                            "observed_at": moment.isoformat(),
                            "plate": plate,
                            "country": country,
                            "confidence": round(confidence, 3),
                        }
                    )
                hour += timedelta(hours=1)
    return reads


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small hourly means here.
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _decide(client: httpx.Client, how_many: int, rng: random.Random) -> dict[str, int]:
    # The seeding plays the reviewer: its reads of candidates are for review.
    queue = get_json(client, "notices", "/v1/candidates", "review", status="pending", limit=min(how_many, 500))
    decided: dict[str, int] = {}
    for candidate in queue[:how_many]:
        roll = rng.random()
        if roll < 0.07:
            body = {"decision": "reject", "reason": "misread"}
        elif roll < 0.12:
            body = {"decision": "reject", "reason": "exempt"}
        else:
            body = {"decision": "accept"}
        response = client.post(service_url("notices", f"/v1/candidates/{candidate['id']}/decision"), json=body)
        if response.status_code == 200:
            decided[body.get("reason") or "accept"] = decided.get(body.get("reason") or "accept", 0) + 1
    return decided


def pilot_history(
    weeks: Annotated[int, typer.Option(min=1, max=12, help="weeks of pilot before today")] = 4,
    review: Annotated[int, typer.Option(min=0, help="candidates a reviewer decides afterwards")] = 120,
    seed: int = 8,
) -> None:
    """Seed a running demo (`make demo`) with weeks of synthetic pilot traffic, through the real APIs."""
    rng = random.Random(seed)
    today = date.today()
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(weeks=weeks)
    with admin_client() as client:
        stood = _sites(client, start, rng)
        reads = _reads(stood, start, rng)
        before = _judged(client)
        for first in range(0, len(reads), 1000):
            _post(client, "ingest", "/v1/reads/batch", reads[first : first + 1000], ok=(202, 207))
        console.print(f"sent {len(reads)} reads of {weeks} weeks to ingest; waiting for rules")
        deadline, last = time.monotonic() + 600, -1.0
        # Done when every read was judged and the count stood still a while (the counter moves before the
        # transaction commits, and notices stores the last candidates after rules).
        while time.monotonic() < deadline:
            judged = _judged(client)
            if judged >= before + len(reads) and judged == last:
                break
            last = judged
            time.sleep(5)
        decided = _decide(client, review, rng)
    console.print(f"{len(reads)} reads judged; {_placements(stood)}; reviewer decisions: {decided}", markup=False)
    console.print(
        f"next: anpr report --from {start.date()} --to {today + timedelta(days=1)}; "
        f"anpr plan-rotation --from {today + timedelta(days=7 - today.weekday())}; "
        "anpr forecast deploy/pilot/milieuzone-blauw.yaml --baseline milieuzone-centrum "
        f"--from {start.date()} --to {today}",
        markup=False,
    )


def _judged(client: httpx.Client) -> float:
    """Reads rules has judged (each read counts once: the milieuzone applies at every pilot location)."""
    total = 0.0
    for line in client.get(service_url("rules", "/metrics")).text.splitlines():
        if line.startswith("anpr_rules_decisions_total{") and 'regime="milieuzone-centrum"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def _placements(stood: dict[str, list[tuple[str, datetime]]]) -> str:
    return ", ".join(f"{camera}: {len(plan)} placements" for camera, plan in stood.items())
