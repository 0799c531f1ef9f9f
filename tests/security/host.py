"""All five services in this process, in a fresh database and under a fresh topic prefix, with one static
token per role. Their lifespans run in an event loop on a background thread, so synchronous test code
(Hypothesis drives schemathesis synchronously) can send them requests over the in-process ASGI transport.
"""

import asyncio
import threading
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_recognition import RecognitionSettings
from anpr_recognition import create_app as recognition_app
from anpr_rules import RulesSettings
from anpr_rules import create_app as rules_app
from anpr_runtime.auth import Role
from anpr_runtime.machine_tokens import MACHINE_TOKEN_ROLES

T = TypeVar("T")

# One static token per role (ANPR_ADMIN_TOKEN for admin, ANPR_TOKENS for the others).
ROLE_TOKENS = {role: f"sec-{role.value}-token" for role in Role if role.value in MACHINE_TOKEN_ROLES}
FACTORIES = {
    "ingest": (ingest_app, IngestSettings, {}),
    "recognition": (recognition_app, RecognitionSettings, {"onnx_threads": 1}),
    "rules": (rules_app, RulesSettings, {}),
    "exemptions": (exemptions_app, ExemptionsSettings, {}),
    "notices": (notices_app, NoticesSettings, {"purge_interval_seconds": 0}),
}


def build_apps(settings: dict[str, Any] | None = None) -> dict[str, FastAPI]:
    """The apps as `anpr run` builds them; without `settings` only for reading their routes and OpenAPI."""
    apps = {}
    for name, (factory, settings_class, overrides) in FACTORIES.items():
        if settings is None:
            apps[name] = factory(None)
            continue
        group = {"consumer_group": f"{settings['topic_prefix']}{name}"}
        apps[name] = factory(settings_class.model_validate({**settings, **group, **overrides}))
    return apps


class ServiceHost:
    def __init__(self, kafka_bootstrap: str, database_url: str) -> None:
        self._admin_url = make_url(database_url)
        self.database = f"anpr_sec_{uuid.uuid4().hex[:10]}"
        prefix = f"sec{uuid.uuid4().hex[:8]}."
        self.settings: dict[str, Any] = {
            "environment": "test",
            "kafka_bootstrap": kafka_bootstrap,
            "database_url": self._admin_url.set(database=self.database).render_as_string(hide_password=False),
            "admin_token": ROLE_TOKENS[Role.ADMIN],
            "extra_tokens": ",".join(
                f"{token}:{role.value}" for role, token in ROLE_TOKENS.items() if role != Role.ADMIN
            ),
            "pseudonym_key": f"sec-key-{prefix}",
            "topic_prefix": prefix,
            "retry_initial_seconds": 0.05,
            "retry_max_seconds": 0.5,
        }
        self.apps = build_apps(self.settings)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="service-host", daemon=True)
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._clients: dict[str, httpx.AsyncClient] = {}

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self) -> None:
        self._thread.start()
        self.run(self._start())

    def stop(self) -> None:
        try:
            self.run(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()

    def request(self, service: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.run(self._clients[service].request(method, url, **kwargs), timeout=60)

    async def _start(self) -> None:
        await self._admin(f'CREATE DATABASE "{self.database}"')
        for name, app in self.apps.items():
            started = asyncio.Event()
            # A lifespan is entered and left in one task: it may bind context variables around its body.
            self._tasks.append(asyncio.create_task(self._serve(app, started), name=f"serve-{name}"))
            await _first(started.wait(), self._tasks[-1])
            # raise_app_exceptions: an unhandled error is a test failure with its traceback, not a bare 500.
            transport = httpx.ASGITransport(app=app)
            self._clients[name] = httpx.AsyncClient(transport=transport, base_url=f"http://{name}", timeout=30)

    async def _serve(self, app: FastAPI, started: asyncio.Event) -> None:
        async with app.router.lifespan_context(app):
            started.set()
            await self._stopping.wait()

    async def _stop(self) -> None:
        try:
            for client in self._clients.values():
                await client.aclose()
            self._stopping.set()
            results = await asyncio.gather(*self._tasks, return_exceptions=True)
            failures = [r for r in results if isinstance(r, BaseException)]
            if failures:
                raise failures[0]
        finally:
            await self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(self._admin_url.set(drivername="postgresql").render_as_string(False))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


async def _first(started: Coroutine[Any, Any, Any], serving: "asyncio.Task[None]") -> None:
    """Wait until the app has started; a lifespan that fails to start raises its error here."""
    waiting = asyncio.ensure_future(started)
    await asyncio.wait({waiting, serving}, return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done():
        waiting.cancel()
        serving.result()
