"""No plate ever appears in application logs: everything logged (DEBUG and up, every library) during a
candidate's whole life, from the read through rules, review, correction, export and purge."""

import logging
from collections.abc import Callable
from typing import Any

import pytest

from anpr_contracts import READS, TOPICS
from anpr_notices.config import NoticesSettings
from anpr_runtime.kafka import ensure_topics, new_producer
from anpr_runtime.publisher import KafkaEventPublisher

from .helpers import ADMIN, OPERATOR, REVIEWER, REVIEWER2, SUPERVISOR, a_candidate, arrived, until
from .pipeline import REGIME, pipeline

PLATES = ("63HKH0", "63-HK-H0", "63HKHD", "63-HK-HD", "01XJND", "01-XJ-ND")


async def test_no_plate_in_the_logs_of_a_whole_candidate_lifecycle(
    isolated: Callable[..., Any], run_app: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with pipeline(isolated, run_app) as p:
        misread, rejected = await p.read("63HKH0"), await p.read("01XJND")
        misread_key = f"{REGIME}:{misread.read_id}"
        misread_id = await arrived(p.settings, misread_key)
        rejected_id = await arrived(p.settings, f"{REGIME}:{rejected.read_id}")
        client = p.notices

        assert (await client.get("/v1/candidates", params={"status": "pending"}, headers=REVIEWER)).status_code == 200
        assert (await client.get(f"/v1/candidates/{misread_id}", headers=REVIEWER)).status_code == 200
        assert (await client.get(f"/v1/candidates/{misread_id}/evidence/plate", headers=REVIEWER)).status_code == 200
        bad = {"decision": "accept", "corrected_plate": "63-hk-hd"}
        assert (
            await client.post(f"/v1/candidates/{misread_id}/decision", json=bad, headers=REVIEWER)
        ).status_code == 422
        same = {"decision": "accept", "corrected_plate": "63HKH0"}
        assert (
            await client.post(f"/v1/candidates/{misread_id}/decision", json=same, headers=REVIEWER)
        ).status_code == 422
        correct = {"decision": "reject", "reason": "misread", "corrected_plate": "63HKHD"}
        assert (
            await client.post(f"/v1/candidates/{misread_id}/decision", json=correct, headers=REVIEWER)
        ).status_code == 200
        reject = {"decision": "reject", "reason": "other", "reason_text": "taxi"}
        assert (
            await client.post(f"/v1/candidates/{rejected_id}/decision", json=reject, headers=REVIEWER2)
        ).status_code == 200

        corrected_id = await arrived(p.settings, f"{misread_key}:corrected")
        accepted = await client.post(
            f"/v1/candidates/{corrected_id}/decision", json={"decision": "accept"}, headers=REVIEWER2
        )
        assert accepted.json()["status"] == "notice_issued"
        again = await client.post(
            f"/v1/candidates/{corrected_id}/decision", json={"decision": "accept"}, headers=REVIEWER
        )
        assert again.status_code == 409

        batch = (await client.post("/v1/exports", headers=SUPERVISOR)).json()
        assert "63HKHD" in (await client.get(batch["csv"], headers=SUPERVISOR)).text
        assert (await client.get(batch["json"], headers=SUPERVISOR)).status_code == 200
        assert (await client.get(f"/v1/letters/{corrected_id}", headers=SUPERVISOR)).status_code == 409
        assert (await client.get("/v1/audit", params={"subject": str(corrected_id)}, headers=SUPERVISOR)).json()
        assert (await client.get("/v1/stats", headers=OPERATOR)).status_code == 200
        assert (await client.post("/v1/retention/purge", headers=ADMIN)).status_code == 200

        async def replaced() -> bool:
            found = (await client.get(f"/v1/candidates/{misread_id}", headers=REVIEWER)).json()
            return bool(found["status"] == "replaced")

        await until(replaced)

    assert len(caplog.records) > 20, "nothing was logged: the test would prove nothing"
    leaks = set()
    for record in caplog.records:
        text = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        leaked = [plate for plate in PLATES if plate in text]
        if leaked:
            leaks.add((record.name, record.levelname, text[:120]))
    assert not leaks, "\n".join(map(str, sorted(leaks)))


async def test_kafka_producer_debug_log_carries_no_payloads(
    isolated: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    settings = isolated(NoticesSettings)
    caplog.set_level(logging.DEBUG)
    await ensure_topics(settings, TOPICS)
    producer = new_producer(settings)
    await producer.start()
    try:
        await KafkaEventPublisher(producer, settings.topic_prefix).publish(READS.name, "k", a_candidate().read)
    finally:
        await producer.stop()

    assert not [r for r in caplog.records if "63HKHD" in r.getMessage()]
