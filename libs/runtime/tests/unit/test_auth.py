import hashlib
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, require_roles
from anpr_runtime.machine_tokens import MACHINE_TOKEN_ROLES
from anpr_runtime.settings import ServiceSettings


def settings(extra_tokens: str = "") -> ServiceSettings:
    return ServiceSettings(
        environment="development", admin_token=SecretStr("admin-secret"), extra_tokens=SecretStr(extra_tokens)
    )


# TokenStore.from_settings


def test_admin_token_maps_to_the_admin() -> None:
    store = TokenStore.from_settings(settings())

    assert store.lookup("admin-secret") == Principal.machine("admin", Role.ADMIN)
    assert store.lookup("admin-secre") is None
    assert store.lookup("") is None


def test_extra_tokens_map_to_their_roles() -> None:
    store = TokenStore.from_settings(settings("cam-token:camera, review-token:reviewer,svc:tok:service"))

    camera, reviewer, service = store.lookup("cam-token"), store.lookup("review-token"), store.lookup("svc:tok")
    assert camera is not None
    assert reviewer is not None
    assert service is not None
    assert (camera.role, reviewer.role, service.role) == (Role.CAMERA, Role.REVIEWER, Role.SERVICE)
    assert len({camera.subject, reviewer.subject, service.subject, "admin"}) == 4
    assert store.lookup("admin-secret") == Principal.machine("admin", Role.ADMIN)


def test_a_machine_subject_is_its_name_or_a_fingerprint_never_a_position() -> None:
    first = TokenStore.from_settings(settings("gate-north:camera:cam-token,review-token:reviewer,desk:permit_desk"))
    reordered = TokenStore.from_settings(settings("desk:permit_desk,review-token:reviewer,other:camera"))

    named, reviewer, desk = first.lookup("cam-token"), first.lookup("review-token"), first.lookup("desk")
    assert named == Principal.machine("gate-north", Role.CAMERA, camera_id="gate-north")
    assert reviewer is not None
    # The subject earlier releases gave an unnamed token: audit rows written then still name it.
    assert reviewer.subject == "reviewer-" + hashlib.sha256(b"review-token").hexdigest()[:8]
    assert reviewer == reordered.lookup("review-token")
    assert desk is not None
    assert desk.role == Role.PERMIT_DESK
    assert desk.subject == reordered.lookup("desk").subject  # type: ignore[union-attr]


def test_a_colon_in_the_token_still_works_with_a_name() -> None:
    store = TokenStore.from_settings(settings("rules-worker:service:svc:tok"))

    assert store.lookup("svc:tok") == Principal.machine("rules-worker", Role.SERVICE)


def test_an_entry_whose_second_field_is_a_role_is_name_role_token() -> None:
    """`token:role:name` (never released) cannot be told from `name:role:token`: the documented form wins."""
    store = TokenStore.from_settings(settings("gate-1:camera:k3H9-camera-secret"))

    assert store.lookup("gate-1") is None
    assert store.lookup("k3H9-camera-secret") == Principal.machine("gate-1", Role.CAMERA, camera_id="gate-1")


def test_only_a_named_camera_token_is_bound_to_a_camera() -> None:
    store = TokenStore.from_settings(settings("cam-7:camera:t-cam,t-legacy:camera,gw:service:t-svc"))

    bound, legacy, service = store.lookup("t-cam"), store.lookup("t-legacy"), store.lookup("t-svc")
    assert (bound and bound.camera_id, legacy and legacy.camera_id, service and service.camera_id) == (
        "cam-7",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ("a:camera:t1,a:reviewer:t2", "entry 2: the name 'a' is used twice"),
        ("admin:reviewer:t1", "entry 1: the name 'admin' is the subject of ANPR_ADMIN_TOKEN"),
    ],
)
def test_names_are_unique_subjects(entries: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        settings(entries)


def test_token_roles_are_the_role_enum_but_applicant() -> None:
    # An applicant is a resident or business signed in at the applicants' issuer, never a static token.
    assert {role.value for role in Role} - {Role.APPLICANT.value} == MACHINE_TOKEN_ROLES


def test_the_primary_role_of_a_person_with_several_roles_is_the_strongest() -> None:
    person = Principal("sub-1", frozenset({Role.REVIEWER, Role.SUPERVISOR}), "Renske", person=True)

    assert person.role == Role.SUPERVISOR
    assert person.holds_any({Role.REVIEWER})
    assert not person.holds_any({Role.OPERATOR})
    assert Principal.machine("gate", Role.CAMERA).name == "gate"


def test_a_principal_without_roles_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        Principal("sub-1", frozenset())


def test_empty_entries_are_skipped() -> None:
    store = TokenStore.from_settings(settings("cam-token:camera,,"))

    assert store.lookup("cam-token") is not None


@pytest.mark.parametrize(
    "entry",
    ["just-a-token", ":camera", "tok:wizard", "tok:", "tok:Camera", "a:b:wizard", ":camera:name", "gate:camera:"],
)
def test_bad_entries_are_refused_without_showing_them(entry: str) -> None:
    with pytest.raises(ValueError, match=r"ANPR_TOKENS entry 1 (must look like name:role:token|needs a name)") as bad:
        TokenStore.from_settings(settings(entry))
    assert entry not in str(bad.value).replace("name:role:token", "")


# require_roles: fastapi.testclient would fail the run here (starlette's import of it emits an anyio
# DeprecationWarning and warnings are errors), so the app is driven in-process through httpx, as the
# project's other HTTP tests do.


def an_app() -> FastAPI:
    app = FastAPI()
    app.state.tokens = TokenStore.from_settings(settings("cam-token:camera,review-token:reviewer"))
    reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.SUPERVISOR))]

    @app.get("/review")
    async def review(who: reviewer) -> dict[str, str]:
        return {"subject": who.subject, "role": who.role}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=an_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://runtime") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_no_token_is_401_with_a_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/review")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_other_scheme_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})

    assert response.status_code == 401


async def test_unknown_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", headers=bearer("stolen-token"))

    assert response.status_code == 401
    assert response.json()["detail"] == "invalid token"
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_wrong_role_is_403(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", headers=bearer("cam-token"))

    assert response.status_code == 403
    assert "camera" in response.json()["detail"]


async def test_right_role_is_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", headers=bearer("review-token"))

    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"


async def test_admin_may_do_everything(client: httpx.AsyncClient) -> None:
    response = await client.get("/review", headers=bearer("admin-secret"))

    assert response.status_code == 200
    assert response.json() == {"subject": "admin", "role": "admin"}
