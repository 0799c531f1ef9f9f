"""The console as an OpenID Connect relying party (confidential client): discovery, the authorization
request, code exchange with PKCE, refresh, ID token validation and RP-initiated logout.

    IdentityProviderUnavailable   (runtime) the provider cannot be reached or answered 5xx: try again later
    LoginFailed                   the provider refused (bad code, replay, bad ID token): sign in again
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from anpr_runtime.oidc import ALGORITHMS, LEEWAY_SECONDS
from anpr_runtime.oidc_keys import IdentityProviderUnavailable, JwksCache, UnknownKey

log = logging.getLogger(__name__)

SCOPE = "openid profile"


class LoginFailed(Exception):
    """`reason` is for the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    refresh_token: str
    id_token: str
    expires_in: int


class OidcClient:
    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        http: httpx.AsyncClient,
        keys_transport: httpx.AsyncBaseTransport | None = None,  # tests: the same fake as `http`'s
    ) -> None:
        self._keys_transport = keys_transport
        self.issuer = issuer.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._discovery: dict[str, Any] | None = None
        self._keys: JwksCache | None = None
        self._lock = asyncio.Lock()
        self._registry = JWSRegistry(algorithms=list(ALGORITHMS), strict_check_header=False)

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, fetched once; until it is had, every login asks again."""
        if self._discovery is None:
            async with self._lock:
                if self._discovery is None:
                    found = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
                    if found.get("issuer", "").rstrip("/") != self.issuer:
                        raise LoginFailed("the discovery document names another issuer")
                    self._keys = JwksCache(self.issuer, found["jwks_uri"], transport=self._keys_transport)
                    self._discovery = found
        return self._discovery

    async def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{endpoint}?{urlencode(query)}"

    async def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> TokenResponse:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return await self._token({**form, "code_verifier": code_verifier})

    async def refresh(self, refresh_token: str) -> TokenResponse:
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        await self.metadata()
        assert self._keys is not None
        try:
            header = jws.extract_compact(id_token.encode(), registry=self._registry).headers()
            key = await self._keys.key(header.get("kid"))
            claims = jwt.decode(id_token, key, algorithms=list(ALGORITHMS), registry=self._registry).claims
            jwt.JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self._client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except UnknownKey as error:
            raise LoginFailed("the ID token's key is not published") from error
        except (JoseError, ValueError, TypeError) as error:
            raise LoginFailed(f"ID token refused: {type(error).__name__}: {error}") from error
        return dict(claims)

    async def end_session_url(self, id_token_hint: str, post_logout_redirect_uri: str) -> str | None:
        """Where the browser ends the provider's session too; None when the provider has no such endpoint."""
        try:
            endpoint = (await self.metadata()).get("end_session_endpoint")
        except (IdentityProviderUnavailable, LoginFailed):
            return None
        if not endpoint:
            return None
        query = {
            "id_token_hint": id_token_hint,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": self._client_id,
        }
        return f"{endpoint}?{urlencode(query)}"

    async def _token(self, form: dict[str, str]) -> TokenResponse:
        endpoint = (await self.metadata())["token_endpoint"]
        credentials = {"client_id": self._client_id, "client_secret": self._client_secret}
        try:
            response = await self._http.post(endpoint, data={**form, **credentials})
        except httpx.HTTPError as error:
            raise IdentityProviderUnavailable(f"token endpoint: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise IdentityProviderUnavailable(f"token endpoint answered {response.status_code}")
        body = _json(response)
        if response.status_code != 200:
            raise LoginFailed(f"token endpoint answered {response.status_code}: {body.get('error', '?')}")
        try:
            return TokenResponse(
                str(body["access_token"]),
                str(body.get("refresh_token", "")),
                str(body.get("id_token", "")),
                int(body.get("expires_in", 60)),
            )
        except (KeyError, ValueError) as error:
            raise LoginFailed("token response without an access token") from error

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
        except httpx.HTTPError as error:
            raise IdentityProviderUnavailable(f"{url}: {type(error).__name__}") from error
        if response.status_code != 200:
            raise IdentityProviderUnavailable(f"{url} answered {response.status_code}")
        return _json(response)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
