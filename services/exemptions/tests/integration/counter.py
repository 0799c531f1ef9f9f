"""The permit counter against the real PostgreSQL, Kafka and Keycloak: applicants' access tokens come
from the applicants' realm (anpr-public) by direct grant, the vehicle registry is rules' real table."""

import os
import random
import string
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.application_tables import applications
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.entrypoints.api import create_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_runtime.db import create_engine, run_migrations

from .conftest import TOKENS

DESK = {"Authorization": "Bearer test-desk-token", "X-Purpose": "permit_desk: aanvraag"}
SERVICE = {"Authorization": "Bearer test-service-token"}
ADMIN = {"Authorization": "Bearer test-admin-token"}
_tokens: dict[str, tuple[float, str]] = {}
_registry_ready: set[str] = set()


async def ensure_registry(settings: ExemptionsSettings) -> None:
    """Rules' schema (its vehicles table is the registry the counter reads): rules' own migrations."""
    if settings.database_url not in _registry_ready:
        await run_migrations(settings.database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
        _registry_ready.add(settings.database_url)


def applicant_token(who: str) -> str:
    """An access token of the demo applicant (RESIDENT, RESIDENT_2, BUSINESS) from the real Keycloak."""
    cached = _tokens.get(who)
    if cached and time.monotonic() - cached[0] < 200:
        return cached[1]
    issuer = os.environ["ANPR_PUBLIC_OIDC_ISSUER"]
    answer = httpx.post(
        f"{issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": os.environ["ANPR_PUBLIC_OIDC_TEST_CLIENT_ID"],
            "username": os.environ[f"ANPR_DEMO_{who}_USER"],
            "password": os.environ[f"ANPR_DEMO_{who}_PASSWORD"],
            "scope": "openid",
        },
        timeout=30,
    )
    answer.raise_for_status()
    token = str(answer.json()["access_token"])
    _tokens[who] = (time.monotonic(), token)
    return token


def as_applicant(who: str = "RESIDENT") -> dict[str, str]:
    return {"Authorization": f"Bearer {applicant_token(who)}"}


def a_dutch_plate() -> str:
    """Two letters, four digits: a plate no earlier run used (the registry table outlives test runs)."""
    return "".join(random.choices("BDFGHJKLNPRSTVXZ", k=2)) + "".join(random.choices(string.digits, k=4))


def counter_settings(isolated: Callable[..., Any], **overrides: Any) -> ExemptionsSettings:
    values: dict[str, Any] = {
        "extra_tokens": TOKENS,
        "municipality": f"itest-{uuid.uuid4().hex[:8]}",  # a fresh yearly quota for every test
        "public_oidc_issuer": os.environ.get("ANPR_PUBLIC_OIDC_ISSUER", ""),
        "smtp_host": "",
        "outbox_interval_seconds": 0,
        "purge_interval_seconds": 0,
        "counter": {"applications_per_hour": 10_000},
    }
    values.update(overrides)
    made: ExemptionsSettings = isolated(ExemptionsSettings, **values)
    return made


@asynccontextmanager
async def counter_api(settings: ExemptionsSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    await ensure_registry(settings)
    app = create_app(settings)
    async with run_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://exemptions", timeout=60) as client:
            yield client


@asynccontextmanager
async def database(settings: ExemptionsSettings) -> AsyncIterator[AsyncConnection]:
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        await engine.dispose()


async def register(
    settings: ExemptionsSettings,
    plate: str,
    category: str = "N1",
    fuels: tuple[str, ...] = ("Diesel",),
    first_admission: date = date(2019, 3, 1),
    special_codes: tuple[str, ...] = (),
    emission_class: int = 6,
) -> str:
    """A vehicle in rules' RDW registry table, as `anpr vehicles import` leaves it."""
    await ensure_registry(settings)
    async with database(settings) as connection:
        await connection.execute(
            text(
                "INSERT INTO rules.vehicles"
                " (plate, kind, category, first_admission, fuels, emission_class, special_codes)"
                " VALUES (:plate, :kind, :category, :first, :fuels, :emission, :codes)"
                " ON CONFLICT (plate) DO UPDATE SET category = EXCLUDED.category, fuels = EXCLUDED.fuels,"
                " first_admission = EXCLUDED.first_admission, special_codes = EXCLUDED.special_codes,"
                " emission_class = EXCLUDED.emission_class"
            ),
            {
                "plate": plate,
                "kind": "Bedrijfsauto" if category.startswith("N") else "Personenauto",
                "category": category,
                "first": first_admission,
                "fuels": list(fuels),
                "codes": list(special_codes),
                "emission": emission_class,
            },
        )
    return plate


async def stored_applications(settings: ExemptionsSettings, plate: str) -> int:
    async with database(settings) as connection:
        query = select(func.count()).where(applications.c.plate == plate)
        return int((await connection.execute(query)).scalar_one())
