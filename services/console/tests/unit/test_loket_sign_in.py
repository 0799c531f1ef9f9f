"""Applicants' sign-in: the session is named after the applicant's identifier claim, never `sub`, holds
the role applicant only, and is refused when the ID token and the access token name different applicants."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from anpr_console.adapters.applicants import ApplicantTokens
from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.handlers.login import start_login
from anpr_console.handlers.loket_login import finish_applicant_login
from anpr_runtime.oidc import ApplicantVerifier, OidcVerifier
from anpr_runtime.oidc_keys import JwksCache

from .fakes import FakeAccessTokens, FakeProvider, FakeSessionStore, identity

NOW = datetime.now(UTC)
ISSUER = "https://idp.example/realms/anpr-public"


@dataclass
class IdTokenOf(FakeProvider):
    claims: dict[str, Any] | None = None

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        await super().verify_id_token(id_token, nonce)
        return {"sub": "kc-4711", **(self.claims or {})}


def applicants() -> ApplicantTokens:
    verifier = OidcVerifier(ISSUER, "anpr-public", JwksCache(ISSUER, ""))
    return ApplicantTokens(ApplicantVerifier(verifier, (("bsn", "bsn"), ("kvk", "kvk"))), "bsn,kvk")


async def _login(id_claims: dict[str, Any], access_subject: str) -> Any:
    store = FakeSessionStore()
    provider = IdTokenOf(claims=id_claims)
    tokens = FakeAccessTokens(frozenset({"applicant"}), subject=access_subject)
    who = identity(store, provider, tokens)
    _, state = await start_login(who, "/loket/permits", NOW)
    session, back = await finish_applicant_login(who, applicants(), state, "good-code", state, NOW)
    return session, back, store


async def test_the_session_is_the_applicant_named_by_the_identifier_claim() -> None:
    session, back, store = await _login({"kvk": "12345678"}, "kvk:12345678")
    assert session.subject == "kvk:12345678"
    assert session.roles == frozenset({"applicant"})
    assert back == "/loket/permits"
    assert store.sessions[session.session_id] == session


async def test_tokens_naming_different_applicants_are_refused() -> None:
    with pytest.raises(LoginFailed):
        await _login({"bsn": "999990019"}, "bsn:999990020")
    with pytest.raises(LoginFailed):
        await _login({}, "bsn:999990019")  # an ID token without any identifier claim


def test_the_identifier_claims_are_tried_in_order() -> None:
    assert applicants().applicant_of({"bsn": "999990019", "kvk": "12345678"}) == "bsn:999990019"
    assert applicants().applicant_of({"kvk": " 12345678 "}) == "kvk:12345678"
    assert applicants().applicant_of({"bsn": 999990019}) is None
