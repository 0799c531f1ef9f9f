"""The site cache answers from memory while fresh, by capture time, and forgets on a write."""

import asyncio
from datetime import timedelta

from anpr_ingest.adapters.site_cache import MISSING, CachedSites, SiteCache
from anpr_ingest.domain.model import Location, Placement

from .fakes import FakeIngestRepository
from .scenario import MONDAY, SATURDAY, THURSDAY

THURSDAY_NOON = THURSDAY + timedelta(hours=4)


class CountingRepository(FakeIngestRepository):
    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    async def placements_of(self, camera_id: str) -> list[Placement]:
        self.loads += 1
        return await super().placements_of(camera_id)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def a_moved_camera(repo: FakeIngestRepository) -> None:
    for location_id in ("loc-a", "loc-b"):
        await repo.add_location(Location(location_id, location_id, ("milieuzone-centrum",)))
    await repo.add_placement(Placement("cam-1", "loc-a", MONDAY, THURSDAY_NOON))
    await repo.add_placement(Placement("cam-1", "loc-b", THURSDAY_NOON, None))


async def test_the_placement_is_chosen_by_capture_time_from_the_cached_history() -> None:
    repo, clock = CountingRepository(), Clock()
    await a_moved_camera(repo)
    sites = CachedSites(repo, SiteCache(5.0, clock=clock))

    before = await sites.placement_at("cam-1", THURSDAY_NOON - timedelta(seconds=1))
    after = await sites.placement_at("cam-1", THURSDAY_NOON)
    never = await sites.placement_at("cam-1", MONDAY - timedelta(seconds=1))

    assert (before and before.location_id, after and after.location_id, never) == ("loc-a", "loc-b", None)
    assert repo.loads == 1  # one history read served all three frames


async def test_entries_expire_after_the_ttl() -> None:
    repo, clock = CountingRepository(), Clock()
    await a_moved_camera(repo)
    sites = CachedSites(repo, SiteCache(5.0, clock=clock))

    await sites.placement_at("cam-1", SATURDAY)
    clock.now = 4.9
    await sites.placement_at("cam-1", SATURDAY)
    clock.now = 5.1
    await sites.placement_at("cam-1", SATURDAY)

    assert repo.loads == 2


async def test_a_move_takes_effect_once_the_cache_is_cleared_as_the_writing_routes_do() -> None:
    repo, cache = CountingRepository(), SiteCache(60.0)
    await a_moved_camera(repo)
    sites = CachedSites(repo, cache)
    first = await sites.placement_at("cam-1", SATURDAY + timedelta(hours=2))
    assert first is not None
    assert first.location_id == "loc-b"

    await repo.end_open_placement("cam-1", SATURDAY)
    await repo.add_placement(Placement("cam-1", "loc-a", SATURDAY + timedelta(hours=1), None))
    stale = await sites.placement_at("cam-1", SATURDAY + timedelta(hours=2))
    assert stale is not None
    assert stale.location_id == "loc-b"  # within the TTL another instance's move is not seen yet
    cache.clear()

    moved = await sites.placement_at("cam-1", SATURDAY + timedelta(hours=2))
    assert moved is not None
    assert moved.location_id == "loc-a"


async def test_unknown_cameras_are_cached_too_and_a_flood_cannot_grow_it_without_bound() -> None:
    repo, clock = CountingRepository(), Clock()
    cache = SiteCache(60.0, max_entries=10, clock=clock)
    sites = CachedSites(repo, cache)

    for n in range(25):
        assert await sites.get_camera(f"nobody-{n}") is None

    assert len(cache._entries) <= 10


async def test_no_ttl_means_no_cache() -> None:
    repo, clock = CountingRepository(), Clock()
    await a_moved_camera(repo)
    sites = CachedSites(repo, SiteCache(0.0, clock=clock))

    await sites.placement_at("cam-1", SATURDAY)
    await sites.placement_at("cam-1", SATURDAY)

    assert repo.loads == 2


class SlowRepository(CountingRepository):
    """Each history read takes a moment, so requests arrive while it runs."""

    async def placements_of(self, camera_id: str) -> list[Placement]:
        await asyncio.sleep(0.01)
        return await super().placements_of(camera_id)


async def test_requests_that_find_an_entry_expired_share_one_load() -> None:
    repo, clock = SlowRepository(), Clock()
    await a_moved_camera(repo)
    sites = CachedSites(repo, SiteCache(5.0, clock=clock))
    await sites.placements_of("cam-1")
    clock.now = 6.0  # expired

    histories = await asyncio.gather(*(sites.placements_of("cam-1") for _ in range(8)))

    assert all(len(history) == 2 for history in histories)
    assert repo.loads == 2  # the first read, and one for the eight requests after it expired


async def test_a_load_under_way_when_the_cache_is_cleared_is_not_kept() -> None:
    repo, clock = SlowRepository(), Clock()
    await a_moved_camera(repo)
    cache = SiteCache(5.0, clock=clock)
    sites = CachedSites(repo, cache)

    under_way = asyncio.create_task(sites.placements_of("cam-1"))
    await asyncio.sleep(0)
    cache.clear()  # a placement was written meanwhile: what that load reads may predate it
    await under_way
    await sites.placements_of("cam-1")

    assert repo.loads == 2


async def test_a_fresh_entry_is_answered_at_once_and_none_is_a_value_there() -> None:
    repo, clock = CountingRepository(), Clock()
    await a_moved_camera(repo)
    cache = SiteCache(60.0, clock=clock)
    sites = CachedSites(repo, cache)
    assert cache.fresh(("placements", "cam-1")) is MISSING

    await sites.placement_at("cam-1", SATURDAY)
    assert await sites.get_camera("nobody") is None

    assert [p.location_id for p in cache.fresh(("placements", "cam-1"))] == ["loc-a", "loc-b"]
    assert cache.fresh(("camera", "nobody")) is None  # cached: "no such camera"
    clock.now = 61.0
    assert cache.fresh(("placements", "cam-1")) is MISSING


async def test_a_caller_changing_the_history_it_got_does_not_change_the_cache() -> None:
    # placement_at scans the cached history itself; placements_of still hands out a copy.
    repo = CountingRepository()
    await a_moved_camera(repo)
    sites = CachedSites(repo, SiteCache(60.0, clock=Clock()))

    (await sites.placements_of("cam-1")).clear()

    found = await sites.placement_at("cam-1", SATURDAY)
    assert found is not None
    assert found.location_id == "loc-b"
    assert repo.loads == 1
