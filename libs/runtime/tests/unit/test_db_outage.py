"""A restarting database is retried, not dead-lettered; a bad message still is."""

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError

from anpr_runtime.consumer import default_error_policy
from anpr_runtime.db_outage import database_away, retry_while_database_away
from anpr_runtime.errors import RetriableError


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        DBAPIError("SELECT 1", {}, asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")),
    ],
)
async def test_a_database_going_away_becomes_retriable(error: Exception) -> None:
    async def handle(_: bytes) -> None:
        raise error

    assert database_away(error)
    with pytest.raises(RetriableError) as raised:
        await retry_while_database_away(handle)(b"message")
    assert default_error_policy(raised.value) == "retry"


async def test_a_bad_message_stays_what_it_was() -> None:
    error = asyncpg.exceptions.UniqueViolationError("duplicate key value violates unique constraint")

    async def handle(_: bytes) -> None:
        raise error

    assert not database_away(error)
    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        await retry_while_database_away(handle)(b"message")
