"""PostgreSQL: engine, Alembic migrations at start, readiness check.

TLS is configured libpq style, as query parameters of DATABASE_URL (`sslmode`, `sslrootcert`, `sslcert`,
`sslkey`; ServiceSettings folds DATABASE_SSLMODE etc. into them). asyncpg does not take those
parameters, so they are turned into its `ssl` argument here, for the engine and for migrations alike.
"""

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

TLS_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey")


class _NoRows(logging.Filter):
    """At DEBUG SQLAlchemy logs every result row: plates. Parameters are hidden by the engine itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Row ")


_ENGINE_LOG = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(f, _NoRows) for f in _ENGINE_LOG.filters):
    _ENGINE_LOG.addFilter(_NoRows())


def engine_arguments(database_url: str) -> tuple[str, dict[str, Any]]:
    """The URL without the libpq TLS parameters, and asyncpg's connect arguments made from them."""
    url = make_url(database_url)
    tls = {name: url.query[name] for name in TLS_PARAMETERS if name in url.query}
    url = url.difference_update_query(TLS_PARAMETERS)
    plain = url.render_as_string(hide_password=False)
    if not tls:
        return plain, {}
    return plain, {"ssl": asyncpg_ssl(**{name: str(value) for name, value in tls.items()})}


def asyncpg_ssl(
    sslmode: str = "prefer", sslrootcert: str | None = None, sslcert: str | None = None, sslkey: str | None = None
) -> ssl.SSLContext | str | bool:
    """What libpq would do for these settings, as asyncpg's `ssl` argument."""
    if sslmode == "disable":
        return False
    if sslmode in ("allow", "prefer") and not sslcert:
        return sslmode  # asyncpg's own fallback logic; no verification, as with libpq
    # libpq: `require` with a root certificate verifies the chain, like verify-ca.
    verify = sslmode in ("verify-ca", "verify-full") or (sslmode == "require" and sslrootcert is not None)
    context = ssl.create_default_context(cafile=sslrootcert)
    context.check_hostname = sslmode == "verify-full"
    if not verify:
        context.verify_mode = ssl.CERT_NONE
    if sslcert:
        context.load_cert_chain(sslcert, sslkey)
    return context


def create_engine(database_url: str) -> AsyncEngine:
    url, connect_args = engine_arguments(database_url)
    # hide_parameters: an error or a DEBUG log line must not carry the bound values (plates).
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True, connect_args=connect_args
    )


def sessions(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


async def run_migrations(database_url: str, migrations_dir: Path, schema: str) -> None:
    """Upgrade the service's own schema to head. Alembic's env runs its own event loop: use a thread."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # The URL goes through attributes: set_main_option would read '%' in a password as interpolation.
    config.attributes["database_url"] = database_url
    config.attributes["schema"] = schema
    await asyncio.to_thread(command.upgrade, config, "head")


def database_check(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        async with engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("select 1")), timeout=2)

    return check
