"""A database that is restarting is a retriable failure, whatever type the driver gives it.

While PostgreSQL shuts down or starts up, asyncpg raises its own exceptions (CannotConnectNowError
57P03, AdminShutdownError 57P01, ConnectionDoesNotExistError) without SQLAlchemy's wrapping, so the
consumer's error policy saw "a bug" and dead-lettered good messages after three quick tries: the fault
suite (tests/faults) lost a candidate that way on a PostgreSQL restart. SQLSTATE classes 08 (connection
exception) and 57P (operator intervention) mean "the server is away", never "this message is bad"; so
does class 53 (insufficient resources: 53100 disk full, 53200 out of memory, 53300 too many connections):
the fault suite's full disk under PostgreSQL dead-lettered good candidates ("could not extend file: No
space left on device") and lost them, where waiting until space is freed loses nothing."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from anpr_runtime.consumer import Hooked
from anpr_runtime.errors import RetriableError

_AWAY_STATES = ("08", "57P", "53")
T = TypeVar("T")


def database_away(exc: BaseException) -> bool:
    """The exception, or one it was raised from, says the database server is unreachable or restarting."""
    seen: BaseException | None = exc
    for _ in range(5):  # SQLAlchemy wraps the driver's error in .orig and chains it as the cause
        if seen is None:
            return False
        state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if isinstance(state, str) and state.startswith(_AWAY_STATES):
            return True
        if type(seen).__name__ == "ConnectionDoesNotExistError":  # asyncpg: closed in mid-operation
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def retry_while_database_away(handle: Callable[[T], Awaitable[None]]) -> Callable[[T], Awaitable[None]]:
    """The handler, with a database outage turned into a RetriableError (retried until it is back). The
    runner's optional hooks (prepare, handle_batch) stay with it: a failed batch falls back to single
    messages anyway, and those get this treatment."""
    if isinstance(handle, Hooked):
        return Hooked(retry_while_database_away(handle.handle), handle.prepare, handle.handle_batch)

    async def handled(message: T) -> None:
        try:
            await handle(message)
        except RetriableError:
            raise
        except Exception as exc:
            if database_away(exc):
                raise RetriableError(f"database unavailable: {type(exc).__name__}") from exc
            raise

    return handled
