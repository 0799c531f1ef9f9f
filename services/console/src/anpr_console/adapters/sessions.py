"""Sessions in PostgreSQL, so every console instance behind a load balancer knows every session."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_console.adapters.tables import logins, sessions
from anpr_console.domain.session import LoginAttempt, Session, Tokens


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class PostgresSessionStore:
    """`namespace` keeps kinds of session apart in the same tables: the permit counter's applicants use
    "loket:", staff none. A cookie of one kind hashes to a key the other kind never looks up, and a login
    state started for one client is never taken by the other's callback."""

    def __init__(self, engine: AsyncEngine, namespace: str = "") -> None:
        self._engine = engine
        self._namespace = namespace

    def _key(self, session_id: str) -> str:
        return session_key(self._namespace + session_id)

    def namespaced(self, namespace: str) -> "PostgresSessionStore":
        return PostgresSessionStore(self._engine, namespace)

    async def get(self, session_id: str, now: datetime) -> Session | None:
        query = sa.select(sessions).where(sessions.c.session_key == self._key(session_id), sessions.c.expires_at > now)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        if row is None:
            return None
        tokens = Tokens(row["access_token"], row["refresh_token"], row["id_token"], row["access_expires_at"])
        return Session(
            session_id,
            row["subject"],
            row["name"],
            frozenset(row["roles"]),
            tokens,
            row["csrf_secret"],
            row["created_at"],
            row["expires_at"],
        )

    async def save(self, session: Session) -> None:
        values = {
            "session_key": self._key(session.session_id),
            "subject": session.subject,
            "name": session.name,
            "roles": sorted(session.roles),
            "access_token": session.tokens.access_token,
            "refresh_token": session.tokens.refresh_token,
            "id_token": session.tokens.id_token,
            "access_expires_at": session.tokens.access_expires_at,
            "csrf_secret": session.csrf_secret,
            "created_at": session.created_at,
            "expires_at": session.expires_at,
        }
        statement = insert(sessions).values(values)
        changing = {k: v for k, v in values.items() if k not in ("session_key", "created_at")}
        async with self._engine.begin() as connection:
            await connection.execute(statement.on_conflict_do_update(index_elements=["session_key"], set_=changing))

    async def delete(self, session_id: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(sa.delete(sessions).where(sessions.c.session_key == self._key(session_id)))

    async def begin_login(self, attempt: LoginAttempt) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(logins).values(
                    state=self._namespace + attempt.state,
                    nonce=attempt.nonce,
                    code_verifier=attempt.code_verifier,
                    return_to=attempt.return_to,
                    expires_at=attempt.expires_at,
                )
            )

    async def take_login(self, state: str, now: datetime) -> LoginAttempt | None:
        """The attempt with this state, deleted in the same statement: a replayed callback finds nothing."""
        statement = sa.delete(logins).where(logins.c.state == self._namespace + state).returning(*logins.c)
        async with self._engine.begin() as connection:
            row = (await connection.execute(statement)).mappings().first()
        if row is None or row["expires_at"] <= now:
            return None
        return LoginAttempt(state, row["nonce"], row["code_verifier"], row["return_to"], row["expires_at"])

    async def purge_expired(self, now: datetime) -> int:
        async with self._engine.begin() as connection:
            gone = await connection.execute(sa.delete(sessions).where(sessions.c.expires_at <= now))
            await connection.execute(sa.delete(logins).where(logins.c.expires_at <= now))
        return int(gone.rowcount)
