"""Cameras, locations and placement histories kept in memory for a few seconds, not queried per frame.

Every frame and read needs its camera, the placement covering its capture moment and that placement's
location: three queries that were most of the cost of accepting a frame. These change a few times a
day (a rotating camera moves), so each instance keeps what it read for `ttl_seconds`. A change made
through this instance takes effect here at once (its writes clear the cache); on other instances within
`ttl_seconds`, the same bound as for camera tokens. The placement is still chosen by capture time from
the full history, so a frame is never stamped by when it arrived.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_ingest.adapters.claim_groups import looked_up
from anpr_ingest.adapters.frame_ledger import FrameClaims
from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.domain.model import Camera, Location, Placement

T = TypeVar("T")
MISSING = object()  # SiteCache.fresh: nothing fresh under that key (None is a value: "no such camera")


class SiteCache:
    """Entries fresh for `ttl_seconds`. When one expires, the requests that find it so share one load: with
    many frames in flight, an expired camera is read once, not once per frame that arrived meanwhile."""

    def __init__(self, ttl_seconds: float, max_entries: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, Any]] = {}
        self._loading: dict[tuple[str, str], asyncio.Future[Any]] = {}
        self._generation = 0  # a clear() since a load began: what it read may be stale, so is not kept

    def fresh(self, key: tuple[str, str]) -> Any:
        """The entry's value while it is fresh, else MISSING: a plain call, so the hit that nearly every read
        and frame makes creates no coroutine and no loader."""
        cached = self._entries.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        return MISSING

    async def get(self, key: tuple[str, str], load: Callable[[], Awaitable[Any]]) -> Any:
        cached = self._entries.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        loading = self._loading.get(key)
        if loading is None:
            loading = self._loading[key] = asyncio.ensure_future(self._load(key, load, self._generation))
        # Shielded: a request that gives up does not cancel the load the others wait for.
        return await asyncio.shield(loading)

    async def _load(self, key: tuple[str, str], load: Callable[[], Awaitable[Any]], generation: int) -> Any:
        try:
            value = await load()
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]
        if self._ttl > 0 and generation == self._generation:
            if len(self._entries) >= self._max_entries:  # ids nobody registered, sent in a flood
                self._entries.clear()
            self._entries[key] = (self._clock() + self._ttl, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
        self._loading.clear()  # requests from now on read anew
        self._generation += 1


class SiteSource(Protocol):
    async def get_camera(self, camera_id: str) -> Camera | None: ...
    async def get_location(self, location_id: str) -> Location | None: ...
    async def placements_of(self, camera_id: str) -> list[Placement]: ...


class OnDemandSites:
    """Reads sites on a connection of its own, taken only for a cache miss (most frames need none). With
    PostgreSQL away that is a 503 the sender retries (the fault suite's PostgreSQL kill found 500s)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get_camera(self, camera_id: str) -> Camera | None:
        return await looked_up(self._read(lambda repository: repository.get_camera(camera_id)))

    async def get_location(self, location_id: str) -> Location | None:
        return await looked_up(self._read(lambda repository: repository.get_location(location_id)))

    async def placements_of(self, camera_id: str) -> list[Placement]:
        return await looked_up(self._read(lambda repository: repository.placements_of(camera_id)))

    async def _read(self, query: Callable[[PostgresIngestRepository], Awaitable[T]]) -> T:
        async with self._engine.connect() as connection:
            return await query(PostgresIngestRepository(connection))


class CachedSites:
    """Camera, location and placement reads (a SiteLookup), from the cache when fresh. Writes go through the
    repository; the routes that write clear the cache after their commit."""

    def __init__(self, source: SiteSource, cache: SiteCache) -> None:
        self._source = source
        self._cache = cache

    async def get_camera(self, camera_id: str) -> Camera | None:
        found = self._cache.fresh(("camera", camera_id))
        if found is MISSING:
            found = await self._cache.get(("camera", camera_id), lambda: self._source.get_camera(camera_id))
        return found  # type: ignore[no-any-return]

    async def get_location(self, location_id: str) -> Location | None:
        found = self._cache.fresh(("location", location_id))
        if found is MISSING:
            found = await self._cache.get(("location", location_id), lambda: self._source.get_location(location_id))
        return found  # type: ignore[no-any-return]

    async def placements_of(self, camera_id: str) -> list[Placement]:
        return list(await self._history(camera_id))

    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None:
        # The latest start wins, as in the database query: histories are ordered by valid_from. The cached
        # history itself is scanned (read only), not a copy per read.
        return next((p for p in reversed(await self._history(camera_id)) if p.covers(moment)), None)

    async def _history(self, camera_id: str) -> list[Placement]:
        history = self._cache.fresh(("placements", camera_id))
        if history is MISSING:
            history = await self._cache.get(("placements", camera_id), lambda: self._source.placements_of(camera_id))
        return history  # type: ignore[no-any-return]


class FrameStore:
    """What accepting a frame needs (a FrameRepository): cached sites and this request's frame claims."""

    def __init__(self, sites: CachedSites, claims: FrameClaims) -> None:
        self._sites = sites
        self._claims = claims

    async def get_camera(self, camera_id: str) -> Camera | None:
        return await self._sites.get_camera(camera_id)

    async def get_location(self, location_id: str) -> Location | None:
        return await self._sites.get_location(location_id)

    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None:
        return await self._sites.placement_at(camera_id, moment)

    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        return await self._claims.remember_frame(camera_id, frame_id, now)
