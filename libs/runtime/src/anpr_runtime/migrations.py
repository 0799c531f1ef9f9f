"""The body of every service's `migrations/env.py`: one schema per service, its own version table."""

import asyncio

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from anpr_runtime.db import engine_arguments


def run_env(metadata: MetaData) -> None:
    config = context.config
    schema: str = config.attributes["schema"]
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    assert url, "the database URL must be set"
    plain_url, connect_args = engine_arguments(url)  # TLS settings apply to migrations too

    def migrate(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
        )
        with context.begin_transaction():
            # Two replicas starting at once must not both migrate.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": schema})
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(plain_url, connect_args=connect_args, hide_parameters=True)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(run())
