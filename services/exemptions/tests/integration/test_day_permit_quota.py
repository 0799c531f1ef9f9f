"""The yearly day-permit quota holds when requests for one vehicle arrive at the same moment."""

import asyncio

import httpx
from sqlalchemy import func, select

from anpr_exemptions.adapters.tables import exemptions
from anpr_exemptions.config import ExemptionsSettings
from anpr_runtime.db import create_engine

from .conftest import OPERATOR, a_plate, published


def a_day_permit(plate: str, day: str) -> dict[str, str]:
    return {"plate": plate, "kind": "day-permit", "day": day, "reference": f"DAG-{day}", "issuer": "Gemeente"}


async def stored_day_permits(settings: ExemptionsSettings, plate: str) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).where(exemptions.c.plate == plate, exemptions.c.revoked.is_(False))
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_thirteen_parallel_requests_create_exactly_twelve(
    api: httpx.AsyncClient, settings: ExemptionsSettings
) -> None:
    plate = a_plate()
    days = [f"2026-05-{d:02d}" for d in range(1, 14)]

    responses = await asyncio.gather(
        *(api.post("/v1/exemptions", json=a_day_permit(plate, day), headers=OPERATOR) for day in days)
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 12 + [409], [r.text for r in responses]
    [refused] = [r for r in responses if r.status_code == 409]
    assert "12 of the 12 day permits allowed in itest for 2026" in refused.json()["detail"]
    assert await stored_day_permits(settings, plate) == 12
    assert len(await published(settings, 13, timeout=5)) == 12, "a refused permit is never published"


async def test_revoking_gives_a_place_back_and_a_new_year_starts_afresh(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    ids = []
    for day in range(1, 13):
        response = await api.post("/v1/exemptions", json=a_day_permit(plate, f"2026-06-{day:02d}"), headers=OPERATOR)
        assert response.status_code == 201, response.text
        ids.append(response.json()["exemption_id"])
    thirteenth = a_day_permit(plate, "2026-06-20")
    assert (await api.post("/v1/exemptions", json=thirteenth, headers=OPERATOR)).status_code == 409

    next_year = await api.post("/v1/exemptions", json=a_day_permit(plate, "2027-06-20"), headers=OPERATOR)
    assert next_year.status_code == 201
    assert (await api.post(f"/v1/exemptions/{ids[0]}/revoke", headers=OPERATOR)).status_code == 200
    assert (await api.post("/v1/exemptions", json=thirteenth, headers=OPERATOR)).status_code == 201

    moved = await api.patch(
        f"/v1/exemptions/{next_year.json()['exemption_id']}", json={"day": "2026-06-21"}, headers=OPERATOR
    )
    assert moved.status_code == 409, "moving the 2027 permit into the full 2026 would be the 13th"


async def test_the_same_day_twice_is_refused(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    first, second = await asyncio.gather(
        *(api.post("/v1/exemptions", json=a_day_permit(plate, "2026-08-01"), headers=OPERATOR) for _ in range(2))
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    refused = first if first.status_code == 409 else second
    assert "already has a day permit for 2026-08-01" in refused.json()["detail"]
