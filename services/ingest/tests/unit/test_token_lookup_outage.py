"""A camera token or site not cached yet is looked up in PostgreSQL; while PostgreSQL is away (killed, restarting)
the camera gets 503 and retries, never a 500 (the fault suite's `kill postgres` step saw 500s)."""

import socket

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from anpr_ingest.adapters.claim_groups import DatabaseUnavailable
from anpr_ingest.adapters.site_cache import OnDemandSites
from anpr_ingest.bootstrap import _token_by_hash


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nobody listens there any more: connecting is refused, as with PostgreSQL killed


async def test_a_token_lookup_while_the_database_is_away_is_a_retriable_503() -> None:
    engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/anpr")
    try:
        with pytest.raises(DatabaseUnavailable, match="ConnectionRefusedError") as refused:
            await _token_by_hash(engine, "0" * 64)
        assert refused.value.status_code == 503
    finally:
        await engine.dispose()


async def test_a_site_lookup_while_the_database_is_away_is_a_retriable_503() -> None:
    engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/anpr")
    sites = OnDemandSites(engine)
    try:
        for lookup in (sites.get_location("loc-1"), sites.get_camera("cam-1"), sites.placements_of("cam-1")):
            with pytest.raises(DatabaseUnavailable, match="ConnectionRefusedError"):
                await lookup
    finally:
        await engine.dispose()
