"""Camera tokens looked up once per TTL, not once per frame.

A revocation reaches this instance within `ttl_seconds` (at once on the instance that revoked it):
that bound is the price of not querying PostgreSQL for every frame of every camera.

Known tokens and unknown ones are kept apart. Anyone can make up unknown tokens, so they live in a
bounded first-in-first-out table of their own; a flood of them pushes out older unknown ones only, never
the cameras' real tokens (which only the database can add, so their table stays as small as the fleet).
"""

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from anpr_ingest.domain.tokens import CameraToken

Lookup = Callable[[str], Awaitable[CameraToken | None]]


class CameraTokenCache:
    def __init__(
        self,
        lookup: Lookup,
        ttl_seconds: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._known: dict[str, tuple[float, CameraToken]] = {}
        # Unknown and revoked hashes too, so a client repeating a bad token does not reach the database.
        self._unknown: OrderedDict[str, float] = OrderedDict()

    async def find(self, token_hash: str) -> CameraToken | None:
        """The token with this hash, unless unknown or revoked."""
        now = self._clock()
        known = self._known.get(token_hash)
        if known is not None and known[0] > now:
            return known[1]
        unknown_until = self._unknown.get(token_hash)
        if unknown_until is not None and unknown_until > now:
            return None
        found = await self._lookup(token_hash)
        token = None if found is None or found.revoked_at is not None else found
        if self._ttl > 0:
            self._remember(token_hash, token, now)
        return token

    def cached(self, token_hash: str) -> CameraToken | None:
        """What `find` would answer without asking the database: None unless a live token is cached."""
        known = self._known.get(token_hash)
        return known[1] if known is not None and known[0] > self._clock() else None

    def clear(self) -> None:
        """After a revocation on this instance: it takes effect here at once."""
        self._known.clear()
        self._unknown.clear()

    def __len__(self) -> int:
        return len(self._known) + len(self._unknown)

    def _remember(self, token_hash: str, token: CameraToken | None, now: float) -> None:
        until = now + self._ttl
        if token is None:
            self._known.pop(token_hash, None)
            self._unknown[token_hash] = until
            self._unknown.move_to_end(token_hash)
            while len(self._unknown) > self._max_entries:
                self._unknown.popitem(last=False)
            return
        self._unknown.pop(token_hash, None)
        if len(self._known) >= self._max_entries and token_hash not in self._known:
            self._known = {h: entry for h, entry in self._known.items() if entry[0] > now}
            if len(self._known) >= self._max_entries:  # more live tokens than room: the oldest goes
                del self._known[next(iter(self._known))]
        self._known[token_hash] = (until, token)


class CachedTokensOnly:
    """The cache as a token finder that never asks the database: for an address being throttled."""

    def __init__(self, cache: CameraTokenCache) -> None:
        self._cache = cache

    async def find(self, token_hash: str) -> CameraToken | None:
        return self._cache.cached(token_hash)
