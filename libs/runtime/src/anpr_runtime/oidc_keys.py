"""The identity provider's signing keys (JWKS): fetched on first need, cached, refreshed on an unknown key id.

Refreshes are rate-limited, so a flood of tokens naming made-up key ids costs the identity provider at
most one request per `min_refresh_seconds`; after a failed fetch the next try waits `retry_after_seconds`.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from anpr_runtime.errors import RetriableError

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 5.0


class IdentityProviderUnavailable(RetriableError):
    """The issuer's discovery document or keys could not be fetched: people's tokens cannot be checked now."""

    retry_after_seconds = 5


class UnknownKey(Exception):
    """No published key has this id, even after a refresh (or a refresh was not allowed yet)."""


class JwksCache:
    def __init__(
        self,
        issuer: str,
        jwks_url: str = "",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        min_refresh_seconds: float = 30.0,
        retry_after_seconds: float = 5.0,
        max_age_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer.rstrip("/")
        self._jwks_url = jwks_url
        self._transport = transport
        self._min_refresh = min_refresh_seconds
        self._retry_after = retry_after_seconds
        self._max_age = max_age_seconds
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._failed = False
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> Key:
        """The published key with this id (`None`: the only key). Raises UnknownKey or IdentityProviderUnavailable."""
        found = self._find(kid)
        if found is not None and self._clock() - self._fetched_at < self._max_age:
            return found
        async with self._lock:  # concurrent requests share one fetch
            found = self._find(kid)
            stale = self._clock() - self._fetched_at >= self._max_age
            if found is None or stale:
                await self._refresh(keep_serving=found is not None)
                found = self._find(kid)
        if found is None:
            raise UnknownKey(kid)
        return found

    def _find(self, kid: str | None) -> Key | None:
        if self._keys is None:
            return None
        signing = [key for key in self._keys.keys if key.get("use") in (None, "sig")]
        if kid is None:
            return signing[0] if len(signing) == 1 else None
        return next((key for key in signing if key.kid == kid), None)

    async def _refresh(self, keep_serving: bool) -> None:
        now = self._clock()
        if self._attempted_at is not None:
            wait = self._retry_after if self._failed else self._min_refresh
            if now - self._attempted_at < wait:
                if self._failed and not keep_serving:
                    raise IdentityProviderUnavailable("the identity provider's keys are unavailable")
                return  # rate-limited: the caller decides with the keys it has
        self._attempted_at = now
        try:
            self._keys = await self._fetch()
        except IdentityProviderUnavailable:
            self._failed = True
            if keep_serving:  # a known key past its max age still verifies until the provider is back
                log.warning("oidc: keeping the cached keys, the identity provider did not answer")
                return
            raise
        self._failed = False
        self._fetched_at = self._clock()

    async def _fetch(self) -> KeySet:
        async with httpx.AsyncClient(transport=self._transport, timeout=FETCH_TIMEOUT_SECONDS) as client:
            jwks_url = self._jwks_url or await self._discover(client)
            document = await _get_json(client, jwks_url)
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError) as error:
            log.info("oidc: the JWKS at %s is not a key set (%s)", jwks_url, type(error).__name__)
            raise IdentityProviderUnavailable("the identity provider published no usable keys") from error
        log.info("oidc: %d signing keys from %s", len(keys.keys), jwks_url)
        return keys

    async def _discover(self, client: httpx.AsyncClient) -> str:
        document = await _get_json(client, f"{self._issuer}/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != self._issuer or not isinstance(document.get("jwks_uri"), str):
            log.info("oidc: the discovery document names another issuer or no jwks_uri")
            raise IdentityProviderUnavailable("the identity provider's discovery document does not fit")
        self._jwks_url = str(document["jwks_uri"])
        return self._jwks_url


async def _get_json(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        log.info("oidc: fetching %s failed (%s)", url, type(error).__name__)
        raise IdentityProviderUnavailable("the identity provider did not answer") from error
    if not isinstance(document, dict):
        raise IdentityProviderUnavailable("the identity provider answered something else than a JSON object")
    return document
