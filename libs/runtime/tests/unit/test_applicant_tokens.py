"""Applicants' access tokens (the permit counter's second issuer) next to staff tokens: the role is always
`applicant`, the subject the configured identifier claim (bsn:/kvk:), whatever else the token claims."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from joserfc.jwk import KeySet, RSAKey
from pydantic import SecretStr

from anpr_runtime.auth import Principal, Role, TokenStore, require_roles
from anpr_runtime.oidc import ApplicantVerifier, OidcVerifier, applicant_id_claims, unverified_issuer
from anpr_runtime.oidc_keys import JwksCache
from anpr_runtime.settings import ServiceSettings

from .identity_provider import AUDIENCE, ISSUER, FakeIdentityProvider, rsa_key, signed

PUBLIC_ISSUER = "https://idp.test/realms/anpr-public"
PUBLIC_AUDIENCE = "anpr-public"


class FakePublicIssuer:
    def __init__(self, key: RSAKey) -> None:
        self.key = key

    def transport(self) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            if str(request.url) == f"{PUBLIC_ISSUER}/.well-known/openid-configuration":
                return httpx.Response(200, json={"issuer": PUBLIC_ISSUER, "jwks_uri": f"{PUBLIC_ISSUER}/certs"})
            if str(request.url) == f"{PUBLIC_ISSUER}/certs":
                return httpx.Response(200, json=KeySet([self.key]).as_dict(private=False))
            return httpx.Response(404)

        return httpx.MockTransport(answer)


def applicant_token(key: RSAKey, **claims: Any) -> str:
    made: dict[str, Any] = {
        "iss": PUBLIC_ISSUER,
        "aud": [PUBLIC_AUDIENCE],
        "name": "Mila Hendriks",
        "realm_access": None,
    }
    made.update(claims)
    return signed(key, **made)


@pytest.fixture(scope="module")
def staff_key() -> RSAKey:
    return rsa_key("staff-1")


@pytest.fixture(scope="module")
def public_key() -> RSAKey:
    return rsa_key("public-1")


@pytest.fixture
async def client(staff_key: RSAKey, public_key: RSAKey) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.tokens = TokenStore.from_settings(ServiceSettings(admin_token=SecretStr("admin-secret")))
    app.state.oidc = OidcVerifier(
        ISSUER, AUDIENCE, JwksCache(ISSUER, transport=FakeIdentityProvider(staff_key).transport())
    )
    keys = JwksCache(PUBLIC_ISSUER, transport=FakePublicIssuer(public_key).transport())
    app.state.public_oidc = ApplicantVerifier(
        OidcVerifier(PUBLIC_ISSUER, PUBLIC_AUDIENCE, keys), applicant_id_claims("bsn,kvk")
    )
    applicant = Annotated[Principal, Depends(require_roles(Role.APPLICANT, Role.PERMIT_DESK))]
    desk = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK))]

    @app.get("/apply")
    async def apply(who: applicant) -> dict[str, object]:
        return {"subject": who.subject, "roles": sorted(who.roles), "name": who.name, "person": who.person}

    @app.get("/desk")
    async def desk_only(who: desk) -> dict[str, str]:
        return {"subject": who.subject}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as made:
        yield made


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_resident_is_an_applicant_named_by_the_bsn_claim(client: httpx.AsyncClient, public_key: RSAKey) -> None:
    answer = await client.get("/apply", headers=bearer(applicant_token(public_key, bsn="999990019")))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "subject": "bsn:999990019",
        "roles": ["applicant"],
        "name": "Mila Hendriks",
        "person": True,
    }


async def test_a_business_is_named_by_its_kvk_number(client: httpx.AsyncClient, public_key: RSAKey) -> None:
    answer = await client.get("/apply", headers=bearer(applicant_token(public_key, kvk="90000001")))

    assert answer.json()["subject"] == "kvk:90000001"


async def test_staff_roles_claimed_by_the_applicants_issuer_are_ignored(
    client: httpx.AsyncClient, public_key: RSAKey
) -> None:
    token = applicant_token(
        public_key, bsn="999990019", realm_access={"roles": ["admin", "permit_desk"]}, roles=["admin"]
    )

    assert (await client.get("/desk", headers=bearer(token))).status_code == 403
    assert (await client.get("/apply", headers=bearer(token))).json()["roles"] == ["applicant"]


@pytest.mark.parametrize(
    "claims",
    [
        {},  # no identifier claim at all
        {"bsn": ""},
        {"bsn": "<script>"},
        {"bsn": ["999990019"]},
        {"bsn": "999990019", "aud": ["anpr"]},  # the staff audience
    ],
)
async def test_refused_applicant_tokens(client: httpx.AsyncClient, public_key: RSAKey, claims: dict[str, Any]) -> None:
    assert (await client.get("/apply", headers=bearer(applicant_token(public_key, **claims)))).status_code == 401


async def test_a_staff_key_cannot_sign_for_the_applicants_issuer(client: httpx.AsyncClient, staff_key: RSAKey) -> None:
    forged = applicant_token(staff_key, bsn="999990019")

    assert (await client.get("/apply", headers=bearer(forged))).status_code == 401


async def test_staff_tokens_still_go_to_the_staff_issuer(client: httpx.AsyncClient, staff_key: RSAKey) -> None:
    desk = signed(staff_key, realm_access={"roles": ["permit_desk"]}, bsn="999990019")

    answer = await client.get("/apply", headers=bearer(desk))

    assert answer.status_code == 200
    assert answer.json()["roles"] == ["permit_desk"]  # a staff token never becomes an applicant


def test_id_claims_setting() -> None:
    assert applicant_id_claims("bsn, kvk") == (("bsn", "bsn"), ("kvk", "kvk"))
    assert applicant_id_claims("bsn=urn:nl:bsn,,kvk=kvkNummer") == (("bsn", "urn:nl:bsn"), ("kvk", "kvkNummer"))


def test_unverified_issuer_of_garbage_is_none() -> None:
    assert unverified_issuer("eyJ.eyJ.x") is None
    assert unverified_issuer("not a token") is None


def test_no_public_issuer_no_applicant_verifier() -> None:
    assert ApplicantVerifier.from_settings(ServiceSettings(environment="development")) is None
