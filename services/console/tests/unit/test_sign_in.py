"""Signing in, keeping the session fresh and signing out, with fakes for the provider and the store."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.handlers.login import finish_login, start_login
from anpr_console.handlers.session import current_session, end_session

from .fakes import FakeAccessTokens, FakeProvider, FakeSessionStore, identity

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_login_round_trip_makes_a_session_with_the_access_tokens_roles() -> None:
    store, provider = FakeSessionStore(), FakeProvider()
    ident = identity(store, provider, FakeAccessTokens(frozenset({"reviewer", "offline_access"})))
    url, state = await start_login(ident, "/review?regime=x", NOW)
    assert url.endswith(state)
    assert len(provider.authorized[-1]["challenge"]) == 43  # base64url of a SHA-256, no padding
    session, back = await finish_login(ident, state, "good-code", state, NOW)
    assert back == "/review?regime=x"
    assert session.name == "Renske de Vries"
    assert "reviewer" in session.roles
    assert session.tokens.access_expires_at == NOW + timedelta(seconds=300)
    assert store.sessions[session.session_id] == session
    assert session.csrf_secret != session.session_id


async def test_a_callback_from_another_browser_or_replayed_is_refused() -> None:
    ident = identity()
    _, state = await start_login(ident, "/", NOW)
    with pytest.raises(LoginFailed):
        await finish_login(ident, state, "good-code", "another-browsers-state", NOW)
    await finish_login(ident, state, "good-code", state, NOW)
    with pytest.raises(LoginFailed):  # the state was used once already
        await finish_login(ident, state, "good-code", state, NOW)


async def test_an_expired_login_attempt_is_refused() -> None:
    ident = identity()
    _, state = await start_login(ident, "/", NOW)
    with pytest.raises(LoginFailed):
        await finish_login(ident, state, "good-code", state, NOW + timedelta(minutes=11))


async def test_an_open_redirect_after_login_is_not_possible() -> None:
    ident = identity()
    _, state = await start_login(ident, "https://evil.example/", NOW)
    _, back = await finish_login(ident, state, "good-code", state, NOW)
    assert back == "/"


async def test_tokens_of_two_people_are_refused() -> None:
    ident = identity(provider=FakeProvider(subject="sub-someone-else"))
    _, state = await start_login(ident, "/", NOW)
    with pytest.raises(LoginFailed):
        await finish_login(ident, state, "good-code", state, NOW)


async def test_a_due_access_token_is_refreshed_and_saved() -> None:
    store, provider = FakeSessionStore(), FakeProvider()
    ident = identity(store, provider)
    _, state = await start_login(ident, "/", NOW)
    session, _ = await finish_login(ident, state, "good-code", state, NOW)
    later = NOW + timedelta(minutes=5)
    fresh = await current_session(ident, session.session_id, later)
    assert fresh is not None
    assert fresh.tokens.access_token == "access-2"
    assert store.sessions[session.session_id].tokens.access_token == "access-2"
    assert fresh.expires_at == later + timedelta(minutes=30)


async def test_a_refused_refresh_ends_the_session() -> None:
    store, provider = FakeSessionStore(), FakeProvider()
    ident = identity(store, provider)
    _, state = await start_login(ident, "/", NOW)
    session, _ = await finish_login(ident, state, "good-code", state, NOW)
    provider.refusing = True
    assert await current_session(ident, session.session_id, NOW + timedelta(minutes=5)) is None
    assert session.session_id not in store.sessions


async def test_idle_and_maximum_lifetimes_end_a_session() -> None:
    store = FakeSessionStore()
    ident = identity(store)
    _, state = await start_login(ident, "/", NOW)
    session, _ = await finish_login(ident, state, "good-code", state, NOW)
    assert await current_session(ident, session.session_id, NOW + timedelta(minutes=31)) is None
    old = replace(session, created_at=NOW - timedelta(hours=10), expires_at=NOW + timedelta(minutes=1))
    await store.save(old)
    touched = await current_session(ident, old.session_id, NOW + timedelta(seconds=50))
    assert touched is not None
    assert touched.expires_at <= old.created_at + timedelta(hours=10)  # never past the maximum
    assert await current_session(ident, None, NOW) is None
    assert await current_session(ident, "unknown", NOW) is None


async def test_sign_out_forgets_the_session_and_ends_the_providers() -> None:
    store = FakeSessionStore()
    ident = identity(store)
    _, state = await start_login(ident, "/", NOW)
    session, _ = await finish_login(ident, state, "good-code", state, NOW)
    url = await end_session(ident, session, "http://127.0.0.1:8106/logged-out")
    assert url == "https://idp.example/logout?id_token_hint=id-1"
    assert store.sessions == {}
