"""The soak's location, cameras and permits. The fault suite's `set_up` grants permits one request after
the other; an hour of soak has thousands of permit holders (5 % of its vehicles), so here they are
granted with several requests in flight, and the location and cameras are left to `set_up`."""

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import httpx

from anpr_bench.faults.plan import MILIEUZONE, Plan
from anpr_bench.faults.traffic import set_up

IN_FLIGHT = 8


async def set_up_soak(ingest: str, exemptions: str, admin: str, plan: Plan) -> dict[str, str]:
    """Camera tokens, as `set_up` returns them, once every permit of the plan is granted."""
    first, rest = plan.permits[:1], plan.permits[1:]
    tokens = await set_up(ingest, exemptions, admin, dataclasses.replace(plan, permits=first))
    await grant_permits(exemptions, admin, rest, start=len(first))
    return tokens


async def grant_permits(exemptions: str, admin: str, plates: list[str], start: int = 0) -> None:
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    todo = iter(enumerate(plates, start))

    async def worker(client: httpx.AsyncClient) -> None:
        for n, plate in todo:
            permit = {
                "plate": plate,
                "kind": "resident",
                "regimes": [MILIEUZONE],
                "valid_from": since,
                "reference": f"SOAK-{n}",
                "issuer": "soak benchmark",
            }
            response = await client.post(f"{exemptions}/v1/exemptions", json=permit)
            if response.status_code != 201:
                raise RuntimeError(f"permit {n}: {response.status_code} {response.text[:300]}")

    headers = {"Authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(IN_FLIGHT)))
