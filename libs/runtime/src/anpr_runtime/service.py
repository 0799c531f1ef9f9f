"""One lifespan for every service: settings -> database (migrated) -> Kafka -> optional consumer loop.

A service describes itself with a `ServiceSpec`; its `bootstrap` turns `Resources` into the handler and
anything its routes need. Nothing here runs at import time.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_contracts import DLQ, TOPICS
from anpr_runtime.attempt_store import PostgresAttemptStore
from anpr_runtime.auth import TokenStore
from anpr_runtime.consumer import DEFAULT_MAX_RECORDS, ConsumerRunner, Handler, RetryPolicy
from anpr_runtime.correlation import bound
from anpr_runtime.db import create_engine, database_check, run_migrations
from anpr_runtime.db_outage import retry_while_database_away
from anpr_runtime.dead_letter_seal import DeadLetterSeal, sealing_dead_letters
from anpr_runtime.kafka import ensure_topics, kafka_check, new_consumer, new_producer
from anpr_runtime.lag import LagGauge
from anpr_runtime.logs import configure_logging
from anpr_runtime.metrics import MetricSettings
from anpr_runtime.oidc import ApplicantVerifier, OidcVerifier
from anpr_runtime.poison import PoisonGuard
from anpr_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)
BACKGROUND_STOP_SECONDS = 10


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    migrations_dir: Path
    consumes: tuple[str, ...] = ()
    max_records: int = DEFAULT_MAX_RECORDS  # per poll: the largest batch the handler gets

    @property
    def schema(self) -> str:
        return self.name


T = TypeVar("T")


@dataclass
class Resources:
    settings: ServiceSettings
    engine: AsyncEngine
    producer: AIOKafkaProducer
    # The service's own typed object graph (caches, stores, policies), set once by its bootstrap.
    components: object = None
    # Filled by a service's bootstrap: loops that run beside the consumer, and extra readiness checks.
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    readiness: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    # Awaited before the consumer joins its group: an instance still loading what it judges with (rules'
    # vehicle registry) takes no partitions meanwhile, so the group's ready members keep them.
    consume_after: Callable[[], Awaitable[None]] | None = None

    def component(self, kind: type[T]) -> T:
        """The service's components, typed: routes and tests ask for the class their bootstrap built."""
        if not isinstance(self.components, kind):
            raise RuntimeError(f"components are {type(self.components).__name__}, not {kind.__name__}")
        return self.components


Bootstrap = Callable[[Resources], Handler | None]


@contextlib.asynccontextmanager
async def open_resources(spec: ServiceSpec, settings: ServiceSettings) -> AsyncIterator[Resources]:
    await run_migrations(settings.database_url, spec.migrations_dir, spec.schema)
    engine = create_engine(settings.database_url)
    producer = new_producer(settings)
    try:
        await ensure_topics(settings, TOPICS)
        await producer.start()
        yield Resources(settings, engine, producer)
    finally:
        await producer.stop()
        await engine.dispose()


@contextlib.asynccontextmanager
async def consuming(spec: ServiceSpec, resources: Resources, handle: Handler) -> AsyncIterator[ConsumerRunner]:
    settings = resources.settings
    group = settings.consumer_group or f"anpr-{spec.name}"
    consumer = new_consumer(settings, *(settings.topic(t) for t in spec.consumes), group_id=group)
    seal = DeadLetterSeal.from_settings(settings)
    dead_letters = sealing_dead_letters(resources.producer, settings.topic(DLQ.name), group, seal)
    retry = RetryPolicy(settings.retry_initial_seconds, settings.retry_max_seconds)
    attempts = PostgresAttemptStore(resources.engine, spec.schema, group)
    await attempts.create_table()
    runner = ConsumerRunner(
        consumer,
        retry_while_database_away(handle),
        dead_letters,
        group,
        retry,
        max_records=spec.max_records,
        guard=PoisonGuard(attempts, group),  # a message that killed two processes does not kill a third
    )
    lag = LagGauge(consumer, group, MetricSettings().lag_interval_seconds)
    gate = resources.consume_after
    # Set once the consumer starts joining: from then on a stop lets the start finish (then stops the
    # consumer), since a start cancelled halfway leaves its broker connections open.
    joining = asyncio.Event()

    async def join_then_run() -> None:
        if gate is not None:
            await gate()
            joining.set()
            await consumer.start()
        await runner.run()

    if gate is None:
        joining.set()
        await consumer.start()
    task = asyncio.create_task(join_then_run(), name=f"{spec.name}-consumer")
    task.add_done_callback(_report_crash)
    lag_task = asyncio.create_task(lag.run(), name=f"{spec.name}-consumer-lag")
    try:
        yield runner
    finally:
        lag_task.cancel()
        runner.stop()
        if not joining.is_set():
            task.cancel()  # stopped while still waiting to join: nothing consumed, nothing to finish
        with contextlib.suppress(asyncio.CancelledError):
            await lag_task
            await asyncio.wait_for(task, timeout=30)
        await consumer.stop()


@contextlib.asynccontextmanager
async def running_background(resources: Resources) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(loop(), name=getattr(loop, "__name__", "background")) for loop in resources.background]
    for task in tasks:
        task.add_done_callback(_report_crash)
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a loop cancelled in the middle of a database call (say, a registry load on a
            # server-side cursor) must not hold the shutdown; what has not ended by then is left behind.
            _, stuck = await asyncio.wait(tasks, timeout=BACKGROUND_STOP_SECONDS)
            for task in stuck:
                log.warning("background loop %s did not stop in time", task.get_name())
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception() is not None:
                    log.warning("background loop %s ended with %s", task.get_name(), type(task.exception()).__name__)


def _report_crash(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("consumer loop stopped: %s", type(task.exception()).__name__)


def service_lifespan(
    spec: ServiceSpec, settings_factory: Callable[[], ServiceSettings], bootstrap: Bootstrap
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name)
        # Tasks started below (consumer, lag, background loops) inherit the service name for their logs.
        with bound(service=spec.name):
            async with _serving(app, spec, settings_factory(), bootstrap):
                yield

    return lifespan


@contextlib.asynccontextmanager
async def _serving(
    app: FastAPI, spec: ServiceSpec, settings: ServiceSettings, bootstrap: Bootstrap
) -> AsyncIterator[None]:
    app.state.tokens = TokenStore.from_settings(settings)
    app.state.oidc = OidcVerifier.from_settings(settings)  # None without ANPR_OIDC_ISSUER; fetches keys lazily
    # Applicants (permit counter); None without ANPR_PUBLIC_OIDC_ISSUER. Only routes naming Role.APPLICANT admit them.
    app.state.public_oidc = ApplicantVerifier.from_settings(settings)
    async with open_resources(spec, settings) as resources:
        app.state.resources = resources
        app.state.readiness = {
            "postgres": database_check(resources.engine),
            "kafka": kafka_check(resources.producer),
        }
        handle = bootstrap(resources)
        app.state.readiness.update(resources.readiness)
        async with running_background(resources):
            if handle is None:
                yield
            else:
                async with consuming(spec, resources, handle) as runner:
                    app.state.readiness["consumer"] = runner.alive_check()
                    app.state.liveness = {"consumer": runner.alive_check()}
                    yield
