from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException

from anpr_runtime.auth import Principal, Role
from anpr_runtime.purpose import DEFAULT_PURPOSES, checked_purpose, purpose_for

REVIEWER = Principal("r-1", frozenset({Role.REVIEWER}))
DESK_AND_SUPERVISOR = Principal("d-1", frozenset({Role.PERMIT_DESK, Role.SUPERVISOR}))
CAMERA = Principal.machine("cam", Role.CAMERA)


@pytest.mark.parametrize("given", ["review", " Review ", "review: bezwaar 2026-0042", "REVIEW:x"])
def test_a_purpose_of_the_role_with_or_without_a_reference_is_kept_as_given(given: str) -> None:
    assert checked_purpose(given, REVIEWER, DEFAULT_PURPOSES) == given.strip()


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (None, "X-Purpose is required to read personal data: send X-Purpose with one of: review"),
        ("", "is required"),
        ("curiosity", "X-Purpose 'curiosity' is not a purpose of your role: send X-Purpose with one of: review"),
        ("permit_desk", "'permit_desk' is not a purpose of your role"),
        ("review\x00", "without control characters"),
        ("review: " + "x" * 200, "at most 200 characters"),
    ],
)
def test_a_missing_or_unknown_purpose_is_400_with_the_allowed_list(given: str | None, says: str) -> None:
    with pytest.raises(HTTPException) as refused:
        checked_purpose(given, REVIEWER, DEFAULT_PURPOSES)

    assert refused.value.status_code == 400
    assert says in refused.value.detail


def test_every_role_held_brings_its_purposes() -> None:
    assert checked_purpose("permit_desk", DESK_AND_SUPERVISOR, DEFAULT_PURPOSES) == "permit_desk"
    assert checked_purpose("objection: 2026-7", DESK_AND_SUPERVISOR, DEFAULT_PURPOSES) == "objection: 2026-7"


def test_a_configured_policy_replaces_the_defaults() -> None:
    policy = {Role.REVIEWER: ("second-look",)}

    assert checked_purpose("second-look", REVIEWER, policy) == "second-look"
    with pytest.raises(HTTPException, match="one of: second-look"):
        checked_purpose("review", REVIEWER, policy)


def test_a_role_without_purposes_is_told_so() -> None:
    with pytest.raises(HTTPException, match="no X-Purpose is configured for role"):
        checked_purpose("review", CAMERA, DEFAULT_PURPOSES)


def test_admin_has_every_purpose() -> None:
    every = {p for role, purposes in DEFAULT_PURPOSES.items() if role is not Role.ADMIN for p in purposes}

    assert every <= set(DEFAULT_PURPOSES[Role.ADMIN])


async def test_the_dependency_checks_the_header_against_the_routes_principal() -> None:
    calls = []

    async def role_check() -> Principal:
        calls.append(1)
        return REVIEWER

    app = FastAPI()

    @app.get("/read")
    async def read(
        who: Annotated[Principal, Depends(role_check)],
        purpose: Annotated[str, Depends(purpose_for(role_check, lambda _: DEFAULT_PURPOSES))],
    ) -> dict[str, str]:
        return {"who": who.subject, "purpose": purpose}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        ok = await client.get("/read", headers={"X-Purpose": "review: case 7"})
        missing = await client.get("/read")

    assert ok.json() == {"who": "r-1", "purpose": "review: case 7"}
    assert missing.status_code == 400
    assert "one of: review" in missing.json()["detail"]
    assert calls == [1, 1]  # the role check ran once per request, shared with the route's principal


async def test_a_default_stands_for_a_missing_header_and_a_given_one_is_still_checked() -> None:
    async def role_check() -> Principal:
        return REVIEWER

    app = FastAPI()

    @app.post("/decide")
    async def decide(
        purpose: Annotated[str, Depends(purpose_for(role_check, lambda _: DEFAULT_PURPOSES, "review"))],
    ) -> str:
        return purpose

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.post("/decide")).json() == "review"
        assert (await client.post("/decide", headers={"X-Purpose": "review: 9"})).json() == "review: 9"
        assert (await client.post("/decide", headers={"X-Purpose": "curiosity"})).status_code == 400
