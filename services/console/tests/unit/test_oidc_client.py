"""The OIDC client against a fake identity provider (httpx.MockTransport) with keys the test makes."""

import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from anpr_console.adapters.oidc_client import LoginFailed, OidcClient
from anpr_runtime.oidc_keys import IdentityProviderUnavailable

ISSUER = "https://idp.example/realms/anpr"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})


def id_token(key: RSAKey = KEY, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "anpr-console", "sub": "sub-1", "exp": now + 300, "iat": now, "nonce": "n-1"}
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


class FakeProvider:
    def __init__(self, token_status: int = 200, down: bool = False) -> None:
        self.token_status = token_status
        self.down = down
        self.token_forms: list[dict[str, str]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/certs",
                    "end_session_endpoint": f"{ISSUER}/logout",
                },
            )
        if path.endswith("/certs"):
            return httpx.Response(200, json={"keys": [KEY.as_dict(private=False)]})
        if path.endswith("/token"):
            self.token_forms.append(dict(httpx.QueryParams(request.content.decode())))
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_grant"})
            body = {"access_token": "a", "refresh_token": "r", "id_token": id_token(), "expires_in": 120}
            return httpx.Response(200, json=body)
        return httpx.Response(404)


def client(provider: FakeProvider) -> OidcClient:
    transport = httpx.MockTransport(provider.handle)
    return OidcClient(ISSUER, "anpr-console", "s3cret", httpx.AsyncClient(transport=transport), transport)


async def test_the_authorization_request_carries_pkce_state_and_nonce() -> None:
    url = httpx.URL(await client(FakeProvider()).authorization_url("http://c/cb", "st", "n-1", "chal"))
    assert url.path == "/realms/anpr/auth"
    assert url.params["code_challenge"] == "chal"
    assert url.params["code_challenge_method"] == "S256"
    assert url.params["state"] == "st"
    assert url.params["nonce"] == "n-1"
    assert url.params["response_type"] == "code"


async def test_the_code_exchange_sends_the_verifier_and_the_client_credentials() -> None:
    provider = FakeProvider()
    tokens = await client(provider).exchange_code("c0de", "verifier-1", "http://c/cb")
    assert tokens.access_token == "a"
    assert tokens.expires_in == 120
    form = provider.token_forms[-1]
    assert form["code_verifier"] == "verifier-1"
    assert form["client_secret"] == "s3cret"
    assert form["grant_type"] == "authorization_code"


async def test_a_good_id_token_is_accepted() -> None:
    claims = await client(FakeProvider()).verify_id_token(id_token(), "n-1")
    assert claims["sub"] == "sub-1"


@pytest.mark.parametrize(
    ("token", "nonce"),
    [
        (id_token(), "another-nonce"),
        (id_token(aud="another-client"), "n-1"),
        (id_token(iss="https://evil.example"), "n-1"),
        (id_token(exp=int(time.time()) - 3600), "n-1"),
        (id_token(OTHER_KEY), "n-1"),  # same kid, another key: a forged signature
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "n-1"),  # alg none
    ],
)
async def test_a_bad_id_token_is_refused(token: str, nonce: str) -> None:
    with pytest.raises(LoginFailed):
        await client(FakeProvider()).verify_id_token(token, nonce)


async def test_a_refused_code_or_refresh_is_a_failed_login() -> None:
    with pytest.raises(LoginFailed):
        await client(FakeProvider(token_status=400)).refresh("r")


async def test_a_provider_that_is_down_is_unavailable_not_an_error() -> None:
    with pytest.raises(IdentityProviderUnavailable):
        await client(FakeProvider(down=True)).authorization_url("http://c/cb", "s", "n", "c")
    with pytest.raises(IdentityProviderUnavailable):
        await client(FakeProvider(token_status=503)).refresh("r")


async def test_logout_url_names_the_session_and_where_to_come_back() -> None:
    url = httpx.URL(await client(FakeProvider()).end_session_url("id-tok", "http://c/logged-out") or "")
    assert url.path == "/realms/anpr/logout"
    assert url.params["id_token_hint"] == "id-tok"
    assert url.params["post_logout_redirect_uri"] == "http://c/logged-out"
    assert await client(FakeProvider(down=True)).end_session_url("id-tok", "http://c/x") is None
