"""PostgreSQL: engine, Alembic migrations at start, readiness check."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


def create_engine(database_url: str) -> AsyncEngine:
    return create_async_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def sessions(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


async def run_migrations(database_url: str, migrations_dir: Path, schema: str) -> None:
    """Upgrade the service's own schema to head. Alembic's env runs its own event loop: use a thread."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["schema"] = schema
    await asyncio.to_thread(command.upgrade, config, "head")


def database_check(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        async with engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("select 1")), timeout=2)

    return check
