"""People's access tokens for the notices integration tests: a signing key the test makes, its JWKS behind
httpx.MockTransport, and the service's real `OidcVerifier` placed on the running app."""

import time
import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from anpr_runtime.oidc import OidcVerifier
from anpr_runtime.oidc_keys import JwksCache

ISSUER = "https://idp.test/realms/anpr"
JWKS_URL = f"{ISSUER}/protocol/openid-connect/certs"
AUDIENCE = "anpr"


class People:
    """Signs tokens for people; `trust(app)` makes a running app accept them (after its lifespan started,
    which sets `app.state.oidc` from the settings)."""

    def __init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"kid": f"k-{uuid.uuid4().hex[:6]}", "alg": "RS256"})

    def trust(self, app: FastAPI) -> None:
        keys = KeySet([self._key]).as_dict(private=False)
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json=keys))
        app.state.oidc = OidcVerifier(ISSUER, AUDIENCE, JwksCache(ISSUER, JWKS_URL, transport=transport))

    def headers(self, sub: str, name: str, *roles: str) -> dict[str, str]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": [AUDIENCE, "account"],
            "sub": sub,
            "exp": now + 300,
            "iat": now,
            "nbf": now,
            "name": name,
            "preferred_username": name.split()[0].lower(),
            "realm_access": {"roles": [*roles, "offline_access"]},
        }
        token = jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key, algorithms=["RS256"])
        # Reviewers and supervisors both hold the purpose "review" (X-Purpose, needed to read candidates).
        return {"Authorization": f"Bearer {token}", "X-Purpose": "review"}
