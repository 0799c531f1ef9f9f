"""Without the vehicle registry nobody can tell whether a vehicle exists: the counter answers 503 with
Retry-After and stores nothing. A database of its own, where rules never ran (no rules.vehicles)."""

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.entrypoints.api import create_app
from anpr_runtime.db import create_engine

from .counter import as_applicant, counter_settings, database, stored_applications


@pytest.fixture
async def without_rules(isolated: Callable[..., Any]) -> AsyncIterator[ExemptionsSettings]:
    base = counter_settings(isolated)
    url = make_url(base.database_url)
    name = f"anpr_counter_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.render_as_string(hide_password=False))
    async with admin.connect() as connection:
        await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(
            text(f'CREATE DATABASE "{name}"')
        )
    try:
        yield counter_settings(isolated, database_url=url.set(database=name).render_as_string(hide_password=False))
    finally:
        async with admin.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_the_registry_unavailable_is_a_503_and_nothing_is_stored(
    without_rules: ExemptionsSettings, run_app: Callable[..., Any]
) -> None:
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    body = {"kind": "day-permit", "plate": "VX-123-B", "day": day, "email": "x@anpr.invalid"}
    app = create_app(without_rules)
    async with run_app(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://e") as api:
        applied = await api.post("/v1/applications", json=body, headers=as_applicant())
        checked = await api.post("/v1/applications/vehicle-check", json={"plate": "VX-123-B"}, headers=as_applicant())

    assert (applied.status_code, checked.status_code) == (503, 503)
    assert "vehicle registry is unavailable" in applied.json()["detail"]
    assert applied.headers["Retry-After"] == "30"
    assert await stored_applications(without_rules, "VX123B") == 0
    async with database(without_rules) as connection:
        assert (await connection.execute(text("SELECT count(*) FROM exemptions.mail_outbox"))).scalar_one() == 0
