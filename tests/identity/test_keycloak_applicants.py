"""Applicants' tokens from the real local Keycloak's realm anpr-public (the DigiD / eHerkenning stand-in),
checked by the applicant verifier every service builds from ANPR_PUBLIC_OIDC_*: a resident is bsn:...,
a business kvk:..., neither ever holds a staff role, and staff tokens never become applicants."""

import base64
import json
import os
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, require_roles
from anpr_runtime.oidc import ApplicantVerifier, OidcVerifier
from anpr_runtime.settings import ServiceSettings

from .test_keycloak_tokens import issuer, password_grant, token_of

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("ANPR_PUBLIC_OIDC_ISSUER"),
        reason="ANPR_PUBLIC_OIDC_ISSUER is not set: start deploy/local/infra.sh up and source <run>/env",
    ),
]


def public_issuer() -> str:
    return os.environ["ANPR_PUBLIC_OIDC_ISSUER"]


async def applicant_token(who: str) -> str:
    return await password_grant(
        public_issuer(),
        os.environ.get("ANPR_PUBLIC_OIDC_TEST_CLIENT_ID", "anpr-public-tests"),
        os.environ[f"ANPR_DEMO_{who}_USER"],
        os.environ[f"ANPR_DEMO_{who}_PASSWORD"],
    )


def an_app() -> FastAPI:
    settings = ServiceSettings(
        admin_token=SecretStr("admin-secret"), oidc_issuer=issuer(), public_oidc_issuer=public_issuer()
    )
    app = FastAPI()
    app.state.tokens = TokenStore.from_settings(settings)
    app.state.oidc = OidcVerifier.from_settings(settings)
    app.state.public_oidc = ApplicantVerifier.from_settings(settings)
    counter = Annotated[Principal, Depends(require_roles(Role.APPLICANT, Role.PERMIT_DESK))]
    desk = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK))]

    @app.get("/counter")
    async def at_the_counter(who: counter) -> dict[str, object]:
        return {"subject": who.subject, "roles": sorted(who.roles), "name": who.name}

    @app.get("/desk")
    async def at_the_desk(who: desk) -> dict[str, str]:
        return {"subject": who.subject}

    return app


async def call(path: str, token: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=an_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("who", "subject", "name"),
    [("RESIDENT", "bsn:999990019", "Mila Hendriks"), ("BUSINESS", "kvk:90000001", "Bakkerij Van Dam")],
)
async def test_applicants_sign_in_at_the_public_realm(who: str, subject: str, name: str) -> None:
    token = await applicant_token(who)

    answer = await call("/counter", token)

    assert answer.json() == {"subject": subject, "roles": ["applicant"], "name": name}
    assert (await call("/desk", token)).status_code == 403


async def test_a_staff_token_is_never_an_applicant() -> None:
    answer = await call("/counter", await token_of("PERMIT_DESK"))

    assert answer.json()["roles"] == ["permit_desk"]


async def test_a_staff_realm_token_with_the_public_issuer_claimed_is_refused() -> None:
    """Routing by the claimed iss is only a choice of verifier: the public realm's keys refuse it."""
    staff = await token_of("ADMIN")
    header, payload, signature = staff.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims |= {"iss": public_issuer(), "aud": "anpr-public", "bsn": "999990019"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert (await call("/counter", f"{header}.{forged_payload}.{signature}")).status_code == 401
