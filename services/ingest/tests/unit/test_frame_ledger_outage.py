"""What PostgreSQL says while it restarts is "unavailable, retry" (503) to a camera, never a 500."""

import asyncpg
import pytest

from anpr_ingest.adapters.claim_groups import DatabaseUnavailable, available


@pytest.mark.parametrize(
    "refusal",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
async def test_a_restarting_database_is_a_retriable_refusal(refusal: Exception) -> None:
    async def step() -> None:
        raise refusal

    with pytest.raises(DatabaseUnavailable, match=type(refusal).__name__) as refused:
        await available(step())
    assert refused.value.status_code == 503


async def test_a_bug_is_not_hidden_as_an_outage() -> None:
    async def step() -> None:
        raise asyncpg.exceptions.UndefinedTableError('relation "ingest.frames" does not exist')

    with pytest.raises(asyncpg.exceptions.UndefinedTableError):
        await available(step())
