"""A fake OpenID Connect issuer: keys the test makes, a discovery document and JWKS behind httpx.MockTransport."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, Key, KeySet, RSAKey

ISSUER = "https://idp.test/realms/anpr"
JWKS_URL = f"{ISSUER}/protocol/openid-connect/certs"
AUDIENCE = "anpr"


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def ec_key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": "ES256"})


class FakeIdentityProvider:
    def __init__(self, *keys: Key) -> None:
        self.published: list[Key] = list(keys)
        self.up = True
        self.issuer_in_discovery = ISSUER
        self.requests: list[str] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if str(request.url) == f"{ISSUER}/.well-known/openid-configuration":
            return httpx.Response(200, json={"issuer": self.issuer_in_discovery, "jwks_uri": JWKS_URL})
        if str(request.url) == JWKS_URL:
            return httpx.Response(200, json=KeySet(self.published).as_dict(private=False))
        return httpx.Response(404)

    @property
    def jwks_fetches(self) -> int:
        return sum(path.endswith("/certs") for path in self.requests)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    made: dict[str, Any] = {
        "iss": ISSUER,
        "aud": ["anpr", "account"],
        "sub": "5b0d6c1e-0000-4000-8000-000000000001",
        "exp": now + 300,
        "iat": now,
        "nbf": now,
        "typ": "Bearer",
        "azp": "anpr-console",
        "name": "Renske de Vries",
        "preferred_username": "demo-reviewer",
        "realm_access": {"roles": ["reviewer", "offline_access", "default-roles-anpr"]},
    }
    made.update(overrides)
    return {name: value for name, value in made.items() if value is not None}


def signed(key: Key, alg: str = "RS256", kid: str | None = None, **overrides: Any) -> str:
    header = {"alg": alg, "kid": kid if kid is not None else key.kid}
    return jwt.encode(header, claims(**overrides), key, algorithms=[alg])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value).encode())


def unsigned(kid: str, **overrides: Any) -> str:
    """`alg: none`: the forgery that needs no key at all."""
    return f"{_segment({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{_segment(claims(**overrides))}."


def hmac_with_public_key(key: RSAKey, **overrides: Any) -> str:
    """HS256 keyed with the public key's bytes: the algorithm-confusion forgery."""
    signing_input = f"{_segment({'alg': 'HS256', 'kid': key.kid, 'typ': 'JWT'})}.{_segment(claims(**overrides))}"
    public = key.as_pem(private=False)
    return f"{signing_input}.{_b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())}"


def with_payload(token: str, **overrides: Any) -> str:
    """The token's header and signature around another payload."""
    header, _, signature = token.split(".")
    return f"{header}.{_segment(claims(**overrides))}.{signature}"
