"""People's tokens from the real local Keycloak (deploy/keycloak/keycloak.sh up), checked by the verifier
every service uses. Runs when ANPR_OIDC_ISSUER is set (source <run>/env after keycloak.sh up)."""

import asyncio
import os
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, person_principal, require_roles
from anpr_runtime.oidc import InvalidToken, OidcVerifier
from anpr_runtime.oidc_keys import JwksCache
from anpr_runtime.settings import ServiceSettings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("ANPR_OIDC_ISSUER"),
        reason="ANPR_OIDC_ISSUER is not set: start deploy/keycloak/keycloak.sh up and source <run>/env",
    ),
]

ROLES = {
    "REVIEWER": Role.REVIEWER,
    "SUPERVISOR": Role.SUPERVISOR,
    "OPERATOR": Role.OPERATOR,
    "PERMIT_DESK": Role.PERMIT_DESK,
    "ADMIN": Role.ADMIN,
}


def issuer() -> str:
    return os.environ["ANPR_OIDC_ISSUER"]


def demo(role: str) -> tuple[str, str]:
    return os.environ[f"ANPR_DEMO_{role}_USER"], os.environ[f"ANPR_DEMO_{role}_PASSWORD"]


async def password_grant(realm_issuer: str, client_id: str, username: str, password: str) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        for attempt in range(3):
            response = await client.post(
                f"{realm_issuer}/protocol/openid-connect/token",
                data={
                    "grant_type": "password",
                    "client_id": client_id,
                    "username": username,
                    "password": password,
                    "scope": "openid",
                },
            )
            # The fault suite restarts the test run's PostgreSQL under Keycloak; Keycloak then answers 500
            # once for each pooled connection that died with it, and opens a fresh one. Only a 5xx is retried.
            if response.status_code < 500 or attempt == 2:
                break
            await asyncio.sleep(1)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def token_of(role: str) -> str:
    return await password_grant(issuer(), os.environ.get("ANPR_OIDC_TEST_CLIENT_ID", "anpr-tests"), *demo(role))


def verifier() -> OidcVerifier:
    made = OidcVerifier.from_settings(ServiceSettings(oidc_issuer=issuer()))
    assert made is not None
    return made


@pytest.mark.parametrize("role", sorted(ROLES))
async def test_each_demo_person_gets_their_role(role: str) -> None:
    person = await verifier().verify(await token_of(role))

    principal = person_principal(person)
    assert principal is not None
    assert principal.roles == {ROLES[role]}
    assert principal.person


async def test_the_reviewer_is_named_and_has_a_stable_subject() -> None:
    check = verifier()

    first = await check.verify(await token_of("REVIEWER"))
    again = await check.verify(await token_of("REVIEWER"))
    other = await check.verify(await token_of("REVIEWER_2"))

    assert first.name == "Renske de Vries"
    assert len(first.subject) == 36  # Keycloak's user id, not the username
    assert first.subject == again.subject
    assert other.subject != first.subject


async def test_a_route_takes_the_persons_token_and_checks_the_role() -> None:
    app = FastAPI()
    settings = ServiceSettings(admin_token=SecretStr("admin-secret"), oidc_issuer=issuer())
    app.state.tokens = TokenStore.from_settings(settings)
    app.state.oidc = OidcVerifier.from_settings(settings)

    @app.get("/review")
    async def review(who: Annotated[Principal, Depends(require_roles(Role.REVIEWER))]) -> dict[str, str]:
        return {"subject": who.subject, "name": who.name}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://runtime") as client:
        reviewer = await client.get("/review", headers={"Authorization": f"Bearer {await token_of('REVIEWER')}"})
        operator = await client.get("/review", headers={"Authorization": f"Bearer {await token_of('OPERATOR')}"})

    assert reviewer.status_code == 200
    assert reviewer.json()["name"] == "Renske de Vries"
    assert operator.status_code == 403


def master_admin_password() -> str | None:
    secret = Path(os.environ.get("ANPR_RUN_DIR", ".run")) / "keycloak" / "secrets" / "bootstrap-admin-password"
    return secret.read_text().strip() if secret.exists() else None


async def test_a_token_of_the_master_realm_is_refused() -> None:
    password = master_admin_password()
    if password is None:
        pytest.skip("the bootstrap admin's password is not in $ANPR_RUN_DIR/keycloak/secrets")
    master = issuer().rsplit("/realms/", 1)[0] + "/realms/master"
    token = await password_grant(master, "admin-cli", "admin", password)

    with pytest.raises(InvalidToken):
        await verifier().verify(token)  # master's key ids are not in the anpr realm's JWKS
    master_keys = JwksCache(issuer(), f"{master}/protocol/openid-connect/certs")
    with pytest.raises(InvalidToken):
        await OidcVerifier(issuer(), "anpr", master_keys).verify(token)  # its signature is good, its iss is not
