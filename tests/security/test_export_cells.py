"""CSV injection (issue 17): an export is opened in a spreadsheet, so a cell that a spreadsheet would take for
a formula must reach it as text. Camera and location ids may begin with '-' (ingest's id pattern allows it),
and they travel from the read into the candidate and its export row."""

import asyncio
import csv
import io
import time
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from anpr_contracts import CANDIDATES, CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes
from anpr_runtime.auth import Role

from .host import ROLE_TOKENS, ServiceHost

pytestmark = pytest.mark.integration

FORMULA_CAMERA = "-A1"  # =-A1 in a spreadsheet: a reference to another cell
FORMULA_LOCATION = "-1-1"


def _as(role: Role, purpose: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ROLE_TOKENS[role]}", "X-Purpose": purpose}


def _candidate(regime: str) -> CandidateRaised:
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id=FORMULA_CAMERA,
        location_id=FORMULA_LOCATION,
        observed_at=datetime.now(UTC),
        plate="63HKHD",
        country="NL",
        confidence=0.97,
    )
    return CandidateRaised(
        candidate_key=f"{regime}:{read.read_id}",
        read=read,
        regime_id=regime,
        regime_version="2026.1",
        mode=RegimeMode.ENFORCE,
        legal_reference="RVV 1990 art. 86t",
        fine_eur=120,
        explanation=("diesel", "class 3 < 4"),
        vehicle={"brandstof": "Diesel"},
        correlation_id=read.correlation_id,
    )


async def _publish(bootstrap: str, topic: str, event: CandidateRaised) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, event_to_bytes(event), key=b"k")
    finally:
        await producer.stop()


def test_formula_like_ids_reach_the_csv_export_as_text(host: ServiceHost) -> None:
    candidate = _candidate("sec-export-cells")
    topic = f"{host.settings['topic_prefix']}{CANDIDATES.name}"
    host.run(_publish(host.settings["kafka_bootstrap"], topic, candidate))
    found: list[dict[str, object]] = []
    deadline = time.monotonic() + 60
    while not found and time.monotonic() < deadline:
        listed = host.request("notices", "GET", "/v1/candidates", headers=_as(Role.REVIEWER, "review"))
        assert listed.status_code == 200, listed.text
        found = [c for c in listed.json() if c.get("camera_id") == FORMULA_CAMERA]
        if not found:
            host.run(asyncio.sleep(0.3))
    assert found, "the candidate never reached notices"
    candidate_id = found[0]["id"]
    decided = host.request(
        "notices",
        "POST",
        f"/v1/candidates/{candidate_id}/decision",
        json={"decision": "accept"},
        headers=_as(Role.REVIEWER, "review"),
    )
    assert decided.status_code == 200, decided.text

    batch = host.request("notices", "POST", "/v1/exports", headers=_as(Role.SUPERVISOR, "export"))
    assert batch.status_code == 201, batch.text
    exported = host.request("notices", "GET", batch.json()["csv"], headers=_as(Role.SUPERVISOR, "export"))
    assert exported.status_code == 200, exported.text

    rows = list(csv.DictReader(io.StringIO(exported.text)))
    [row] = [r for r in rows if r["candidate_id"] == str(candidate_id)]
    assert (row["camera"], row["location"]) == (f"'{FORMULA_CAMERA}", f"'{FORMULA_LOCATION}")
    assert row["amount_eur"] == "120"  # a number stays a number
