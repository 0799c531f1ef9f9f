"""The session store against the real PostgreSQL: what several console instances share."""

import secrets
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_console import SPEC, ConsoleSettings
from anpr_console.adapters.sessions import PostgresSessionStore
from anpr_console.domain.session import LoginAttempt, Session, Tokens, new_csrf_secret, new_session_id
from anpr_runtime.db import create_engine, run_migrations

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def engine(isolated: Callable[..., Any]) -> AsyncIterator[AsyncEngine]:
    settings: ConsoleSettings = isolated(ConsoleSettings)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    made = create_engine(settings.database_url)
    try:
        yield made
    finally:
        await made.dispose()


def a_session(expires_in: timedelta = timedelta(minutes=30)) -> Session:
    tokens = Tokens("access", "refresh", "id", NOW + timedelta(minutes=5))
    return Session(
        new_session_id(),
        "sub-1",
        "Renske de Vries",
        frozenset({"reviewer"}),
        tokens,
        new_csrf_secret(),
        NOW,
        NOW + expires_in,
    )


async def test_a_session_is_found_by_its_id_and_the_table_never_holds_the_id(engine: AsyncEngine) -> None:
    store, other_instance = PostgresSessionStore(engine), PostgresSessionStore(engine)
    session = a_session()
    await store.save(session)
    assert await other_instance.get(session.session_id, NOW) == session
    async with engine.connect() as connection:
        keys = (await connection.execute(sa.text("select session_key from console.sessions"))).scalars().all()
    assert session.session_id not in keys
    assert await store.get(new_session_id(), NOW) is None


async def test_saving_again_updates_tokens_and_expiry(engine: AsyncEngine) -> None:
    store = PostgresSessionStore(engine)
    session = a_session()
    await store.save(session)
    later = session.refreshed(Tokens("access-2", "refresh-2", "id-2", NOW + timedelta(minutes=10)), session.roles, "R")
    later = later.touched(NOW + timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=10))
    await store.save(later)
    found = await store.get(session.session_id, NOW + timedelta(minutes=10))
    assert found is not None
    assert found.tokens.access_token == "access-2"
    assert found.expires_at == NOW + timedelta(minutes=40)
    assert found.created_at == NOW


async def test_expired_sessions_are_not_found_and_are_purged(engine: AsyncEngine) -> None:
    store = PostgresSessionStore(engine)
    session = a_session(expires_in=timedelta(seconds=1))
    await store.save(session)
    assert await store.get(session.session_id, NOW + timedelta(seconds=2)) is None
    assert await store.purge_expired(NOW + timedelta(seconds=2)) >= 1
    assert await store.get(session.session_id, NOW) is None


async def test_a_deleted_session_is_gone(engine: AsyncEngine) -> None:
    store = PostgresSessionStore(engine)
    session = a_session()
    await store.save(session)
    await store.delete(session.session_id)
    assert await store.get(session.session_id, NOW) is None


async def test_a_login_attempt_is_taken_once(engine: AsyncEngine) -> None:
    store = PostgresSessionStore(engine)
    state = secrets.token_urlsafe(24)
    await store.begin_login(LoginAttempt(state, "nonce", "verifier", "/review", NOW + timedelta(minutes=10)))
    taken = await store.take_login(state, NOW)
    assert taken is not None
    assert taken.return_to == "/review"
    assert await store.take_login(state, NOW) is None
    expired = secrets.token_urlsafe(24)
    await store.begin_login(LoginAttempt(expired, "nonce", "verifier", "/", NOW - timedelta(seconds=1)))
    assert await store.take_login(expired, NOW) is None


async def test_an_applicants_session_and_login_are_invisible_to_staff_and_the_other_way_round(
    engine: AsyncEngine,
) -> None:
    """The permit counter keeps its sessions in the same tables under the namespace "loket:": a cookie
    of one kind, or a login state, used on the other kind's routes finds nothing there."""
    staff, applicants = PostgresSessionStore(engine), PostgresSessionStore(engine).namespaced("loket:")
    theirs, ours = a_session(), a_session()
    await applicants.save(theirs)
    await staff.save(ours)
    assert await staff.get(theirs.session_id, NOW) is None
    assert await applicants.get(ours.session_id, NOW) is None
    assert await applicants.get(theirs.session_id, NOW) == theirs
    await staff.delete(theirs.session_id)  # a staff sign-out with an applicant's id ends nothing
    assert await applicants.get(theirs.session_id, NOW) == theirs
    attempt = LoginAttempt(secrets.token_urlsafe(24), "nonce", "verifier", "/loket", NOW + timedelta(minutes=10))
    await applicants.begin_login(attempt)
    assert await staff.take_login(attempt.state, NOW) is None
    assert await applicants.take_login(attempt.state, NOW) == attempt
