from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, require_roles
from anpr_runtime.settings import ServiceSettings


def settings(extra_tokens: str = "") -> ServiceSettings:
    return ServiceSettings(admin_token=SecretStr("admin-secret"), extra_tokens=SecretStr(extra_tokens))


# TokenStore.from_settings


def test_admin_token_maps_to_the_admin() -> None:
    store = TokenStore.from_settings(settings())

    assert store.lookup("admin-secret") == Principal("admin", Role.ADMIN)
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
    assert store.lookup("admin-secret") == Principal("admin", Role.ADMIN)


def test_empty_entries_are_skipped() -> None:
    store = TokenStore.from_settings(settings("cam-token:camera,,"))

    assert store.lookup("cam-token") is not None


@pytest.mark.parametrize("entry", ["just-a-token", ":camera", "tok:wizard", "tok:", "tok:Camera"])
def test_bad_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match=r"token:role|not a valid Role"):
        TokenStore.from_settings(settings(entry))


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
