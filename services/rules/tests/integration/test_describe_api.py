"""`POST /v1/vehicles/describe` on the real service after a real import: make, model and colour from
PostgreSQL for the people who review, and nothing but 401/403/404/422 for anything else."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from anpr_rules.adapters.rdw_import import import_vehicles
from anpr_rules.bootstrap import SPEC
from anpr_rules.config import RulesSettings
from anpr_rules.entrypoints.api import create_app
from anpr_runtime.db import create_engine, run_migrations

RDW = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
TOKENS = "Rita Reviewer:reviewer:t-reviewer,t-supervisor:supervisor,t-operator:operator,t-camera:camera"
ROUTE = "/v1/vehicles/describe"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Purpose": "review"}


@pytest.fixture
async def client(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    settings: RulesSettings = isolated(RulesSettings, extra_tokens=TOKENS)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(settings.database_url)
    try:  # the demo registry, as every other test leaves it
        await import_vehicles(
            engine,
            RDW / "voertuigen.csv",
            RDW / "brandstof.csv",
            [RDW / "bijzonderheden.csv"],
            [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"],
        )
    finally:
        await engine.dispose()
    app = create_app(settings)
    async with run_app(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500 is an answer to assert on
        async with httpx.AsyncClient(transport=transport, base_url="http://rules", headers=bearer("t-reviewer")) as c:
            # Ready first: stopping the service while it still loads the registry is not what this tests.
            deadline = time.monotonic() + 60
            while (await c.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, (await c.get("/readyz")).text
                await asyncio.sleep(0.1)
            yield c


async def test_reviewers_see_make_model_and_colour_of_a_registered_plate(client: httpx.AsyncClient) -> None:
    found = await client.post(ROUTE, json={"plate": "63-hk-hd"})
    supervisor = await client.post(ROUTE, json={"plate": "24LBHT"}, headers=bearer("t-supervisor"))
    admin = await client.post(ROUTE, json={"plate": "RPNL93"}, headers=bearer("test-admin-token"))
    missing = await client.post(ROUTE, json={"plate": "XX-999-X"})
    operator = await client.post(ROUTE, json={"plate": "63HKHD"}, headers=bearer("t-operator"))
    camera = await client.post(ROUTE, json={"plate": "63HKHD"}, headers=bearer("t-camera"))
    anonymous = await client.post(ROUTE, json={"plate": "63HKHD"}, headers={"Authorization": ""})

    assert found.status_code == 200, found.text
    assert found.json() == {"plate": "63HKHD", "make": "PEUGEOT", "model": "307", "colour": "BLAUW"}
    assert supervisor.json() == {"plate": "24LBHT", "make": "VOLVO", "model": "V70", "colour": "ZWART"}
    assert admin.json()["colour"] == "GROEN"
    assert missing.status_code == 404
    assert "XX" not in missing.text  # errors never repeat the plate
    assert (operator.status_code, camera.status_code, anonymous.status_code) == (403, 403, 401)


HOSTILE: list[tuple[str, Any]] = [
    ("sql", {"plate": "'; DROP TABLE rules.vehicles; --"}),
    ("sql-or", {"plate": "63HKHD' OR '1'='1"}),
    ("nul", {"plate": "63HK\x00HD"}),
    ("unicode", {"plate": "É12345"}),
    ("fullwidth", {"plate": "\uff16\uff13\uff28\uff2b\uff28\uff24"}),
    ("emoji", {"plate": "\U0001f697\U0001f697"}),
    ("lone surrogate", '{"plate": "\\ud800AB"}'),
    ("number", {"plate": 631234}),
    ("list", {"plate": ["63HKHD"]}),
    ("object", {"plate": {"$ne": ""}}),
    ("null", {"plate": None}),
    ("bool", {"plate": True}),
    ("missing", {}),
    ("extra field", {"plate": "63HKHD", "regime": "x"}),
    ("empty", {"plate": ""}),
    ("only dashes", {"plate": "--"}),
    ("too long", {"plate": "A" * 17}),
    ("huge", {"plate": "A" * 5_000_000}),
    ("huge extra", {"plate": "63HKHD", "x": "y" * 5_000_000}),
    ("not json", "plate=63HKHD"),
    ("json array", "[1, 2, 3]"),
    ("deep nesting", "[" * 100_000 + "]" * 100_000),
]


async def test_hostile_input_is_refused_with_422_never_a_500(client: httpx.AsyncClient) -> None:
    answers = {}
    for name, body in HOSTILE:
        if isinstance(body, str):
            sent = await client.post(
                ROUTE, content=body.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/json"}
            )
        else:
            sent = await client.post(ROUTE, json=body)
        answers[name] = sent.status_code
        assert "DROP" not in sent.text, name  # refusals never echo the input
        assert "1'='1" not in sent.text, name
    still = await client.post(ROUTE, json={"plate": "63HKHD"})

    # Bodies over every service's 1 MiB ceiling are refused (413) before they are read (anpr_runtime.body_guard).
    too_large = {"huge", "huge extra"}
    assert answers == {name: 413 if name in too_large else 422 for name in answers}
    assert still.json()["make"] == "PEUGEOT"  # and the registry is as it was


async def test_a_description_needs_a_purpose_of_the_role(client: httpx.AsyncClient) -> None:
    without = await client.post(ROUTE, json={"plate": "63HKHD"}, headers={"X-Purpose": ""})
    foreign = await client.post(ROUTE, json={"plate": "63HKHD"}, headers={"X-Purpose": "permit_desk"})

    for refused in (without, foreign):
        assert refused.status_code == 400, refused.text
        assert "one of: review" in refused.json()["detail"]
        assert "PEUGEOT" not in refused.text
