"""Camera tokens looked up once per TTL, not once per frame.

A revocation reaches this instance within `ttl_seconds` (at once on the instance that revoked it):
that bound is the price of not querying PostgreSQL for every frame of every camera.
"""

import time
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
        # Unknown hashes are cached too, so a client repeating a bad token does not reach the database.
        self._entries: dict[str, tuple[float, CameraToken | None]] = {}

    async def find(self, token_hash: str) -> CameraToken | None:
        """The token with this hash, unless unknown or revoked."""
        now = self._clock()
        cached = self._entries.get(token_hash)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = await self._lookup(token_hash)
        token = None if found is None or found.revoked_at is not None else found
        if self._ttl > 0:
            self._make_room(now)
            self._entries[token_hash] = (now + self._ttl, token)
        return token

    def clear(self) -> None:
        """After a revocation on this instance: it takes effect here at once."""
        self._entries.clear()

    def _make_room(self, now: float) -> None:
        if len(self._entries) < self._max_entries:
            return
        self._entries = {h: entry for h, entry in self._entries.items() if entry[0] > now}
        if len(self._entries) >= self._max_entries:  # a flood of distinct bad tokens: start over
            self._entries.clear()
