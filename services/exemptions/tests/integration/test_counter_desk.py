"""Exemptions the permit desk decides: the queue, documents (type by content, size-limited, purged after
the decision), questions and answers, grants with a scope published like desk-issued permits, refusals
with a reason the applicant reads; and an applicant who guesses ids learns nothing."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from anpr_exemptions.adapters.application_tables import application_documents, application_steps

from .conftest import SUPERVISOR, published
from .counter import (
    ADMIN,
    DESK,
    SERVICE,
    a_dutch_plate,
    as_applicant,
    counter_api,
    counter_settings,
    database,
    register,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def disabled_exemption(plate: str) -> dict[str, Any]:
    return {
        "kind": "disabled",
        "plate": plate,
        "email": "loket-test@anpr.invalid",
        "details": "Gehandicaptenparkeerkaart, rolstoel; parkeerplaats Lange Gracht.",
    }


async def apply(api: httpx.AsyncClient, body: dict[str, Any], who: str = "RESIDENT") -> dict[str, Any]:
    answer = await api.post("/v1/applications", json=body, headers=as_applicant(who))
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


async def upload(api: httpx.AsyncClient, application_id: str, content: bytes, who: str = "RESIDENT") -> httpx.Response:
    headers = {**as_applicant(who), "Content-Type": "application/pdf"}  # whatever it says: the content decides
    return await api.post(f"/v1/applications/{application_id}/documents", content=content, headers=headers)


async def test_a_resident_applies_the_desk_asks_grants_and_the_permit_is_published(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        made = await apply(api, disabled_exemption(plate))
        number, app_id = made["number"], made["application_id"]
        document = await upload(api, app_id, PDF)
        queue = await api.get("/v1/applications", params={"status": "submitted", "limit": 500}, headers=DESK)
        asked = await api.post(
            f"/v1/applications/{app_id}/decision",
            json={"decision": "needs_information", "reason": "Graag een kopie van de parkeerkaart."},
            headers=DESK,
        )
        seen = (await api.get(f"/v1/applications/{app_id}", headers=as_applicant())).json()
        early = await api.post(
            f"/v1/applications/{app_id}/decision",
            json={"decision": "grant", "valid_from": "2026-01-01T00:00:00+01:00"},
            headers=DESK,
        )
        await upload(api, app_id, JPEG)
        answered = await api.post(
            f"/v1/applications/{app_id}/resubmit", json={"answer": "Kopie bijgevoegd."}, headers=as_applicant()
        )
        granted = await api.post(
            f"/v1/applications/{app_id}/decision",
            json={
                "decision": "grant",
                "valid_from": "2026-01-01T00:00:00+01:00",
                "valid_until": "2031-01-01T00:00:00+01:00",
                "regimes": ["voetgangersgebied"],
                "zones": ["voetgangersgebied"],
            },
            headers=DESK,
        )
        paid = await api.post(f"/v1/applications/{app_id}/paid", headers=SERVICE)
        permits = (await api.get("/v1/applications/permits", headers=as_applicant())).json()
        desk_view = (await api.get(f"/v1/applications/{app_id}", headers=DESK)).json()
        pdf = await api.get(f"/v1/applications/{app_id}/documents/{document.json()['document_id']}", headers=DESK)

    assert made["status"] == "submitted"
    assert made["fee_cents"] == 0, "the disabled-person exemption is free (configuration)"
    assert document.status_code == 201, document.text
    assert document.json()["content_type"] == "application/pdf"
    assert app_id in [a["application_id"] for a in queue.json()]
    assert asked.json()["status"] == "needs_information"
    assert seen["reason"] == "Graag een kopie van de parkeerkaart.", "the applicant reads the desk's question"
    assert [d["content_type"] for d in seen["documents"]] == ["application/pdf"]
    assert early.status_code == 409, "a question outstanding: the applicant answers first"
    assert answered.json()["status"] == "submitted"
    assert granted.status_code == 200, granted.text
    assert granted.json()["status"] == "granted"
    assert paid.json()["paid"] is True
    [permit] = [p for p in permits if p["exemption_id"] == granted.json()["exemption_id"]]
    assert (permit["kind"], permit["plate"], permit["reference"]) == ("disabled", plate, number)
    assert permit["issuer"] == "loket", "the applicant never learns the desk member's name"
    assert permit["zones"] == ["voetgangersgebied"]
    assert desk_view["applicant"] == "bsn:999990019"
    *decided, paid_step = desk_view["steps"]
    assert [(s["action"], s["from_status"], s["to_status"], s["actor"]) for s in decided] == [
        ("status", None, "submitted", "Mila Hendriks"),
        ("status", "submitted", "needs_information", "desk-1"),
        ("status", "needs_information", "submitted", "Mila Hendriks"),
        ("status", "submitted", "granted", "desk-1"),
    ]
    # The fee recorded as a step of its own, by the payment provider's integration (a machine token).
    assert (paid_step["action"], paid_step["from_status"], paid_step["to_status"]) == ("paid", "granted", "granted")
    assert paid_step["actor"].startswith("service-")
    assert paid.json()["steps"][-1] == paid_step
    assert pdf.content == PDF
    assert pdf.headers["content-disposition"].startswith("attachment")
    [(key, change)] = await published(settings, 1)
    assert (key, change.kind) == (permit["exemption_id"], "disabled")


async def test_a_refusal_needs_a_reason_and_the_applicant_reads_it(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        made = await apply(api, {**disabled_exemption(plate), "kind": "resident"}, who="RESIDENT_2")
        url = f"/v1/applications/{made['application_id']}"
        bare = await api.post(f"{url}/decision", json={"decision": "refuse"}, headers=DESK)
        refused = await api.post(
            f"{url}/decision", json={"decision": "refuse", "reason": "Adres buiten het gebied."}, headers=DESK
        )
        again = await api.post(f"{url}/withdraw", headers=as_applicant("RESIDENT_2"))
        seen = (await api.get(url, headers=as_applicant("RESIDENT_2"))).json()

    assert bare.status_code == 422
    assert "reason" in bare.json()["detail"]
    assert refused.json()["status"] == "refused"
    assert again.status_code == 409, "refused is final"
    assert (seen["status"], seen["reason"]) == ("refused", "Adres buiten het gebied.")


async def test_a_second_open_application_for_the_same_vehicle_is_a_duplicate(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        first = await apply(api, disabled_exemption(plate))
        twice = await api.post("/v1/applications", json=disabled_exemption(plate), headers=as_applicant())
        await api.post(f"/v1/applications/{first['application_id']}/withdraw", headers=as_applicant())
        after_withdrawing = await api.post("/v1/applications", json=disabled_exemption(plate), headers=as_applicant())

    assert twice.status_code == 409
    assert "plate: you already have an open disabled application" in twice.json()["detail"]
    assert after_withdrawing.status_code == 201


async def test_documents_are_pdf_or_jpeg_by_content_and_size_limited(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated, counter={"applications_per_hour": 10_000, "max_document_bytes": 1000})
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        app_id = (await apply(api, disabled_exemption(plate)))["application_id"]
        png = await upload(api, app_id, PNG)
        html = await upload(api, app_id, b"<html><script>alert(1)</script></html>")
        big = await upload(api, app_id, PDF + bytes(1400))  # the route names the field; the guard stops only 2x
        empty = await upload(api, app_id, b"")
        jpeg = await upload(api, app_id, JPEG)

    assert (png.status_code, html.status_code) == (422, 422)
    assert "document: only PDF or JPEG" in png.json()["detail"]
    assert big.status_code == 413
    assert "document: at most 1000 bytes" in big.json()["detail"]
    assert empty.status_code == 422
    assert jpeg.json()["content_type"] == "image/jpeg"
    async with database(settings) as connection:
        query = select(func.count()).where(application_documents.c.application_id == app_id)
        assert (await connection.execute(query)).scalar_one() == 1, "only the JPEG was kept"


async def test_guessing_another_applicants_ids_answers_404(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        made = await apply(api, disabled_exemption(plate))
        app_id = made["application_id"]
        doc_id = (await upload(api, app_id, PDF)).json()["document_id"]
        other = as_applicant("BUSINESS")
        attempts = {
            "view": await api.get(f"/v1/applications/{app_id}", headers=other),
            "document": await api.get(f"/v1/applications/{app_id}/documents/{doc_id}", headers=other),
            "upload": await upload(api, app_id, PDF, who="BUSINESS"),
            "withdraw": await api.post(f"/v1/applications/{app_id}/withdraw", headers=other),
            "resubmit": await api.post(f"/v1/applications/{app_id}/resubmit", json={}, headers=other),
            "unknown id": await api.get(f"/v1/applications/{uuid.uuid4()}", headers=other),
        }
        listed = (await api.get("/v1/applications", params={"limit": 500}, headers=other)).json()
        decide = await api.post(f"/v1/applications/{app_id}/decision", json={"decision": "refuse"}, headers=other)
        desk_route = await api.get("/v1/exemptions", headers={**other, "X-Purpose": "permit_desk"})
        still = (await api.get(f"/v1/applications/{app_id}", headers=as_applicant())).json()

    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 404)
    assert attempts["view"].json() == {"detail": f"application {app_id} not found"}, "same as an unknown id"
    assert app_id not in [a["application_id"] for a in listed]
    assert plate not in str(listed)
    assert decide.status_code == 403, "an applicant never decides"
    assert desk_route.status_code == 403, "applicants reach the counter's routes only"
    assert still["status"] == "submitted"
    assert len(still["documents"]) == 1


async def test_documents_are_purged_after_the_decision_and_the_application_later(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated, retention={"application_documents_days": 42, "expired_days": 365})
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        app_id = (await apply(api, disabled_exemption(plate)))["application_id"]
        await upload(api, app_id, PDF)
        refused = await api.post(
            f"/v1/applications/{app_id}/decision", json={"decision": "refuse", "reason": "Geen kaart."}, headers=DESK
        )
        decided = datetime.fromisoformat(refused.json()["decided_at"])

        async def purge_at(moment: datetime) -> dict[str, int]:
            answer = await api.post("/v1/retention/purge", json={"now": moment.isoformat()}, headers=ADMIN)
            assert answer.status_code == 200, answer.text
            counts: dict[str, int] = answer.json()
            return counts

        await purge_at(decided + timedelta(days=41))
        kept = (await api.get(f"/v1/applications/{app_id}", headers=as_applicant())).json()
        await purge_at(decided + timedelta(days=42, seconds=1))
        after = (await api.get(f"/v1/applications/{app_id}", headers=as_applicant())).json()
        await purge_at(decided + timedelta(days=365, seconds=1))
        gone = await api.get(f"/v1/applications/{app_id}", headers=as_applicant())

    assert len(kept["documents"]) == 1, "within the objection period the documents stay"
    assert after["documents"] == []
    assert after["status"] == "refused", "the application itself stays"
    assert gone.status_code == 404
    async with database(settings) as connection:
        steps = select(func.count()).where(application_steps.c.application_id == app_id)
        assert (await connection.execute(steps)).scalar_one() == 0, "its steps went with it"


async def test_the_desk_says_why_it_reads_an_application_and_each_read_is_logged(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        app_id = (await apply(api, disabled_exemption(plate)))["application_id"]
        bare = {"Authorization": DESK["Authorization"]}
        without = await api.get(f"/v1/applications/{app_id}", headers=bare)
        wrong = await api.get(f"/v1/applications/{app_id}", headers={**bare, "X-Purpose": "enforcement"})
        read = await api.get(f"/v1/applications/{app_id}", headers=DESK)
        own = await api.get(f"/v1/applications/{app_id}", headers=as_applicant())
        log = await api.post("/v1/read-log/search", json={"plate": plate}, headers=SUPERVISOR)

    assert (without.status_code, wrong.status_code, read.status_code, own.status_code) == (400, 400, 200, 200)
    assert "X-Purpose is required" in without.json()["detail"]
    [entry] = log.json()
    assert (entry["actor"], entry["action"], entry["purpose"]) == ("desk-1", "application", "permit_desk: aanvraag")


async def test_the_desks_queue_filters_by_kind_in_the_query(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    car = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    van = await register(settings, a_dutch_plate(), category="N1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        disabled = await apply(api, disabled_exemption(car))
        business = await apply(api, {**disabled_exemption(van), "kind": "business"}, who="BUSINESS")
        queue = "/v1/applications"
        only_business = await api.get(queue, params={"kind": "business", "limit": 500}, headers=DESK)
        only_disabled = await api.get(
            queue, params={"kind": "disabled", "status": "submitted", "limit": 500}, headers=DESK
        )
        unknown = await api.get(queue, params={"kind": "bribe"}, headers=DESK)

    business_ids = {a["application_id"] for a in only_business.json()}
    disabled_ids = {a["application_id"] for a in only_disabled.json()}
    assert business["application_id"] in business_ids
    assert disabled["application_id"] not in business_ids
    assert disabled["application_id"] in disabled_ids
    assert business["application_id"] not in disabled_ids
    assert {a["kind"] for a in only_business.json()} == {"business"}
    assert unknown.status_code == 422
