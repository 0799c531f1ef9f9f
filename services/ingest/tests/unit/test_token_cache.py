from datetime import UTC, datetime

from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.domain.tokens import CameraToken

TOKEN = CameraToken("tok-1", "cam-rot", "", datetime(2026, 3, 2, tzinfo=UTC))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Table:
    """The database as the cache sees it: a dict, and how often it was asked."""

    def __init__(self) -> None:
        self.rows: dict[str, CameraToken] = {}
        self.queries = 0

    async def lookup(self, token_hash: str) -> CameraToken | None:
        self.queries += 1
        return self.rows.get(token_hash)


async def test_a_token_is_looked_up_once_per_ttl() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=5, clock=clock)

    assert [await cache.find("h1") for _ in range(3)] == [TOKEN] * 3
    assert table.queries == 1
    clock.now += 5
    assert await cache.find("h1") == TOKEN
    assert table.queries == 2


async def test_revocation_takes_effect_when_the_ttl_ends() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=5, clock=clock)
    await cache.find("h1")

    table.rows["h1"] = CameraToken("tok-1", "cam-rot", "", TOKEN.created_at, revoked_at=TOKEN.created_at)
    clock.now += 4.9
    assert await cache.find("h1") == TOKEN  # the bound documented for other instances
    clock.now += 0.1
    assert await cache.find("h1") is None


async def test_clear_makes_a_revocation_immediate_on_this_instance() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=5, clock=clock)
    await cache.find("h1")
    del table.rows["h1"]

    cache.clear()

    assert await cache.find("h1") is None


async def test_unknown_tokens_are_cached_too() -> None:
    table = Table()
    cache = CameraTokenCache(table.lookup, ttl_seconds=5, clock=Clock())

    assert await cache.find("nope") is None
    assert await cache.find("nope") is None
    assert table.queries == 1


async def test_zero_ttl_asks_every_time() -> None:
    table = Table()
    cache = CameraTokenCache(table.lookup, ttl_seconds=0, clock=Clock())
    for _ in range(3):
        await cache.find("h1")
    assert table.queries == 3


async def test_cache_stays_bounded_under_a_flood_of_distinct_tokens() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=60, max_entries=100, clock=clock)

    for n in range(1000):
        await cache.find(f"junk-{n}")

    assert len(cache) <= 100
    assert await cache.find("h1") == TOKEN


async def test_a_flood_of_made_up_tokens_never_pushes_out_a_camera_s_token() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=60, max_entries=100, clock=clock)
    await cache.find("h1")

    for n in range(1000):
        await cache.find(f"junk-{n}")
    asked = table.queries

    assert await cache.find("h1") == TOKEN
    assert cache.cached("h1") == TOKEN
    assert table.queries == asked  # still cached: the flood cost the camera nothing
    assert len(cache) <= 101


async def test_cached_answers_from_memory_only() -> None:
    table, clock = Table(), Clock()
    table.rows["h1"] = TOKEN
    cache = CameraTokenCache(table.lookup, ttl_seconds=5, clock=clock)

    assert cache.cached("h1") is None
    await cache.find("h1")
    assert cache.cached("h1") == TOKEN
    clock.now += 5
    assert cache.cached("h1") is None
    assert table.queries == 1
