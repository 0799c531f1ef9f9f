"""People's OIDC access tokens through a FastAPI route guarded by require_roles, next to machine tokens."""

import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, require_roles
from anpr_runtime.oidc import OidcVerifier
from anpr_runtime.oidc_keys import JwksCache
from anpr_runtime.settings import ServiceSettings

from .identity_provider import (
    AUDIENCE,
    ISSUER,
    JWKS_URL,
    FakeIdentityProvider,
    ec_key,
    hmac_with_public_key,
    rsa_key,
    signed,
    unsigned,
    with_payload,
)

MACHINE = {"Authorization": "Bearer cam-token"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return rsa_key("key-1")


@pytest.fixture(scope="module")
def next_key() -> RSAKey:
    return rsa_key("key-2")


@pytest.fixture
def idp(key: RSAKey) -> FakeIdentityProvider:
    return FakeIdentityProvider(key)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def an_app(idp: FakeIdentityProvider, clock: Clock, roles_claim: str = "realm_access.roles") -> FastAPI:
    app = FastAPI()
    settings = ServiceSettings(admin_token=SecretStr("admin-secret"), extra_tokens=SecretStr("gate-1:camera:cam-token"))
    app.state.tokens = TokenStore.from_settings(settings)
    keys = JwksCache(ISSUER, transport=idp.transport(), clock=clock)
    app.state.oidc = OidcVerifier(ISSUER, AUDIENCE, keys, roles_claim=roles_claim)
    reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.CAMERA))]
    supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]

    @app.get("/review")
    async def review(who: reviewer) -> dict[str, object]:
        return {"subject": who.subject, "name": who.name, "roles": sorted(who.roles), "role": who.role}

    @app.get("/supervise")
    async def supervise(who: supervisor) -> dict[str, str]:
        return {"subject": who.subject}

    return app


@pytest.fixture
async def client(idp: FakeIdentityProvider, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=an_app(idp, clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://runtime") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refused(client: httpx.AsyncClient, token: str) -> httpx.Response:
    response = await client.get("/review", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid token"}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    return response


async def test_a_valid_token_is_the_person_with_their_roles(client: httpx.AsyncClient, key: RSAKey) -> None:
    token = signed(key, realm_access={"roles": ["reviewer", "permit_desk", "offline_access"]})

    response = await client.get("/review", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "subject": "5b0d6c1e-0000-4000-8000-000000000001",
        "name": "Renske de Vries",
        "roles": ["permit_desk", "reviewer"],
        "role": "permit_desk",
    }


async def test_the_name_falls_back_to_the_username(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/review", headers=bearer(signed(key, name=None)))

    assert response.status_code == 200
    assert response.json()["name"] == "demo-reviewer"


async def test_an_es256_token_is_accepted_and_aud_may_be_a_string(
    idp: FakeIdentityProvider, client: httpx.AsyncClient
) -> None:
    ec = ec_key("ec-1")
    idp.published.append(ec)

    response = await client.get("/review", headers=bearer(signed(ec, alg="ES256", aud="anpr")))

    assert response.status_code == 200


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    await refused(client, signed(key, exp=int(time.time()) - 120))


async def test_a_token_expired_within_the_leeway_still_counts(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/review", headers=bearer(signed(key, exp=int(time.time()) - 5)))

    assert response.status_code == 200


async def test_a_token_not_valid_yet_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    await refused(client, signed(key, nbf=int(time.time()) + 600))


@pytest.mark.parametrize("audience", [["account"], "anpr-console", "anprx", None])
async def test_another_or_no_audience_is_refused(client: httpx.AsyncClient, key: RSAKey, audience: object) -> None:
    await refused(client, signed(key, aud=audience))


OTHER_ISSUERS = ["https://idp.test/realms/master", f"{ISSUER}/", "https://evil.test/realms/anpr", None]


@pytest.mark.parametrize("issuer", OTHER_ISSUERS)
async def test_another_or_no_issuer_is_refused(client: httpx.AsyncClient, key: RSAKey, issuer: str | None) -> None:
    await refused(client, signed(key, iss=issuer))


async def test_a_token_without_a_subject_or_expiry_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    await refused(client, signed(key, sub=None))
    await refused(client, signed(key, exp=None))


async def test_alg_none_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    await refused(client, unsigned(str(key.kid)))


async def test_hmac_keyed_with_the_public_key_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    await refused(client, hmac_with_public_key(key))


async def test_a_tampered_payload_is_refused(client: httpx.AsyncClient, key: RSAKey) -> None:
    genuine = signed(key)
    assert (await client.get("/review", headers=bearer(genuine))).status_code == 200

    await refused(client, with_payload(genuine, realm_access={"roles": ["admin"]}))


async def test_a_token_signed_by_a_key_the_issuer_never_published_is_refused(client: httpx.AsyncClient) -> None:
    await refused(client, signed(rsa_key("key-1")))  # same kid, other key


async def test_garbage_that_looks_like_a_jwt_is_refused(client: httpx.AsyncClient) -> None:
    await refused(client, "eyJhbGciOiJSUzI1NiJ9.e30.AAAA")
    await refused(client, "ey.not.base64!")


async def test_an_unknown_kid_is_accepted_once_the_rotated_key_is_published(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, clock: Clock, key: RSAKey, next_key: RSAKey
) -> None:
    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 200
    clock.now += 60
    await refused(client, signed(next_key))  # not published yet: refetched, still unknown

    idp.published.append(next_key)
    clock.now += 31
    response = await client.get("/review", headers=bearer(signed(next_key)))

    assert response.status_code == 200
    assert idp.jwks_fetches == 3


async def test_a_flood_of_unknown_kids_fetches_the_keys_at_most_once_per_interval(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, clock: Clock, key: RSAKey, next_key: RSAKey
) -> None:
    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 200
    clock.now += 60
    for n in range(20):
        await refused(client, signed(next_key, kid=f"bogus-{n}"))
        clock.now += 1

    assert idp.jwks_fetches == 2


async def test_a_person_without_platform_roles_is_403(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/review", headers=bearer(signed(key, realm_access={"roles": ["offline_access"]})))

    assert response.status_code == 403


async def test_a_person_without_the_routes_role_is_403(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/supervise", headers=bearer(signed(key)))

    assert response.status_code == 403
    assert "reviewer" in response.json()["detail"]


async def test_a_person_cannot_claim_a_machine_role(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/review", headers=bearer(signed(key, realm_access={"roles": ["camera"]})))

    assert response.status_code == 403


async def test_an_admin_person_may_do_everything(client: httpx.AsyncClient, key: RSAKey) -> None:
    response = await client.get("/supervise", headers=bearer(signed(key, realm_access={"roles": ["admin"]})))

    assert response.status_code == 200


async def test_roles_from_another_claim_path(idp: FakeIdentityProvider, clock: Clock, key: RSAKey) -> None:
    app = an_app(idp, clock, roles_claim="roles")  # Microsoft Entra ID app roles
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://runtime") as client:
        entra = await client.get("/supervise", headers=bearer(signed(key, roles=["supervisor"])))
        keycloak_shaped = await client.get("/supervise", headers=bearer(signed(key, realm_access={"roles": ["admin"]})))

    assert entra.status_code == 200
    assert keycloak_shaped.status_code == 403


async def test_identity_provider_down_is_503_for_people_and_machines_carry_on(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, key: RSAKey
) -> None:
    idp.up = False

    person = await client.get("/review", headers=bearer(signed(key)))
    machine = await client.get("/review", headers=MACHINE)

    assert person.status_code == 503
    assert person.headers["Retry-After"] == "5"
    assert machine.status_code == 200
    assert machine.json()["subject"] == "gate-1"
    assert idp.requests == ["/realms/anpr/.well-known/openid-configuration"]


async def test_after_the_outage_people_get_in_again(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, clock: Clock, key: RSAKey
) -> None:
    idp.up = False
    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 503
    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 503
    assert len(idp.requests) == 1  # the retry waits; the outage is not hammered

    idp.up = True
    clock.now += 6

    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 200


async def test_cached_keys_keep_working_while_the_provider_is_down(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, clock: Clock, key: RSAKey
) -> None:
    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 200
    idp.up = False
    clock.now += 7200  # past the keys' max age: a refresh is tried and fails

    assert (await client.get("/review", headers=bearer(signed(key)))).status_code == 200


async def test_machine_tokens_never_touch_the_network(client: httpx.AsyncClient, idp: FakeIdentityProvider) -> None:
    assert (await client.get("/review", headers=MACHINE)).status_code == 200
    assert (await client.get("/review", headers=bearer("admin-secret"))).status_code == 200

    assert idp.requests == []


async def test_a_discovery_document_for_another_issuer_is_not_trusted(
    client: httpx.AsyncClient, idp: FakeIdentityProvider, key: RSAKey
) -> None:
    idp.issuer_in_discovery = "https://evil.test/realms/anpr"

    response = await client.get("/review", headers=bearer(signed(key)))

    assert response.status_code == 503
    assert idp.jwks_fetches == 0


async def test_the_refusal_reason_is_logged_without_the_token(
    client: httpx.AsyncClient, key: RSAKey, caplog: pytest.LogCaptureFixture
) -> None:
    token = signed(key, aud="someone-else")
    caplog.set_level(logging.INFO, logger="anpr_runtime")

    await refused(client, token)

    assert "refused an access token" in caplog.text
    assert "aud" in caplog.text
    assert token not in caplog.text
    assert token.split(".")[1] not in caplog.text


async def test_without_an_issuer_a_jwt_is_just_an_unknown_token(key: RSAKey) -> None:
    settings = ServiceSettings(admin_token=SecretStr("admin-secret"))
    app = FastAPI()
    app.state.tokens = TokenStore.from_settings(settings)
    app.state.oidc = OidcVerifier.from_settings(settings)
    assert app.state.oidc is None

    @app.get("/review")
    async def review(who: Annotated[Principal, Depends(require_roles(Role.REVIEWER))]) -> str:
        return who.subject

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://runtime") as client:
        await refused(client, signed(key))


async def test_a_configured_jwks_url_skips_discovery(idp: FakeIdentityProvider, key: RSAKey) -> None:
    settings = ServiceSettings(oidc_issuer=ISSUER, oidc_jwks_url=JWKS_URL)
    verifier = OidcVerifier.from_settings(settings, transport=idp.transport())
    assert verifier is not None

    person = await verifier.verify(signed(key))

    assert person.roles >= {"reviewer"}
    assert idp.requests == ["/realms/anpr/protocol/openid-connect/certs"]
