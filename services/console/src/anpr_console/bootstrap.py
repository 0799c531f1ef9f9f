"""Wires the console. It consumes no Kafka and holds no business data, so instead of the services' shared
lifespan (database + Kafka + consumer) it opens only what it needs: its session store in PostgreSQL,
one HTTP client for the services and the identity provider, and the OIDC pieces."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from anpr_console.adapters.applicants import ApplicantTokens
from anpr_console.adapters.oidc_client import OidcClient
from anpr_console.adapters.services_api import ServicesApi
from anpr_console.adapters.sessions import PostgresSessionStore
from anpr_console.config import ConsoleSettings
from anpr_console.handlers.ports import Identity, Lifetimes
from anpr_runtime.auth import TokenStore
from anpr_runtime.correlation import bound
from anpr_runtime.db import create_engine, database_check, run_migrations
from anpr_runtime.logs import configure_logging
from anpr_runtime.oidc import ApplicantVerifier, OidcVerifier
from anpr_runtime.service import ServiceSpec

SPEC = ServiceSpec(name="console", migrations_dir=Path(__file__).parent / "migrations")
PURGE_INTERVAL_SECONDS = 600
LOGIN_LIFETIME = timedelta(minutes=10)
LOKET_NAMESPACE = "loket:"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsoleComponents:
    """What the routes take from `app.state.console`."""

    settings: ConsoleSettings
    identity: Identity | None  # None without ANPR_OIDC_ISSUER: the login page says sign-in is not configured
    services: ServicesApi
    # The permit counter's applicants: None without ANPR_PUBLIC_OIDC_ISSUER. Their sessions live in the same
    # tables under another namespace, so a staff cookie is no applicant session and the other way round.
    loket: Identity | None = None
    applicants: ApplicantTokens | None = None


def build_components(
    settings: ConsoleSettings, store: PostgresSessionStore, http: httpx.AsyncClient
) -> ConsoleComponents:
    services = ServicesApi(
        http,
        {
            "ingest": settings.ingest_url,
            "rules": settings.rules_url,
            "exemptions": settings.exemptions_url,
            "notices": settings.notices_url,
        },
    )
    lifetimes = Lifetimes(
        login=LOGIN_LIFETIME,
        idle=timedelta(minutes=settings.session_idle_minutes),
        maximum=timedelta(hours=settings.session_max_hours),
    )
    loket, applicants = None, None
    public = ApplicantVerifier.from_settings(settings)
    if public is not None:
        applicants = ApplicantTokens(public, settings.public_oidc_id_claims)
        secret = settings.public_client_secret.get_secret_value()
        public_provider = OidcClient(settings.public_oidc_issuer, settings.public_client_id, secret, http)
        loket = Identity(
            store.namespaced(LOKET_NAMESPACE), public_provider, applicants, lifetimes, settings.loket_redirect_uri
        )
    verifier = OidcVerifier.from_settings(settings)
    if verifier is None:
        return ConsoleComponents(settings, None, services, loket, applicants)
    provider = OidcClient(settings.oidc_issuer, settings.client_id, settings.client_secret.get_secret_value(), http)
    staff = Identity(store, provider, verifier, lifetimes, settings.redirect_uri)
    return ConsoleComponents(settings, staff, services, loket, applicants)


def console_lifespan(
    settings_factory: Callable[[], ConsoleSettings],
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SPEC.name)
        settings = settings_factory()
        with bound(service=SPEC.name):
            await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
            engine = create_engine(settings.database_url)
            store = PostgresSessionStore(engine)
            http = httpx.AsyncClient(timeout=settings.upstream_timeout_seconds, follow_redirects=False)
            app.state.tokens = TokenStore.from_settings(settings)  # the app factory's contract; no route uses it
            app.state.readiness = {"postgres": database_check(engine)}
            app.state.console = build_components(settings, store, http)
            purge = asyncio.create_task(_purge_expired(store), name="console-session-purge")
            try:
                yield
            finally:
                purge.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purge
                await http.aclose()
                await engine.dispose()

    return lifespan


async def _purge_expired(store: PostgresSessionStore) -> None:
    while True:
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)
        try:
            gone = await store.purge_expired(datetime.now(UTC))
            log.info("console: %d expired sessions removed", gone)
        except Exception as error:  # the next round tries again; a failed purge must not end the loop
            log.warning("console: session purge failed (%s)", type(error).__name__)
