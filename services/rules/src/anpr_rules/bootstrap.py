"""Wires the rules service: regimes from files, the vehicle registry and permits in memory, state in
PostgreSQL, candidates to Kafka. Until both indexes are loaded the instance is not ready and does not
join the consumer group (it takes no partitions), so no read is judged blind."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import COMMANDS, EXEMPTIONS, READS, Envelope, PlateRecognized, ReevaluateRead
from anpr_rules.adapters.compact_index import CompactVehicleIndex
from anpr_rules.adapters.permit_index import InMemoryPermitIndex, PermitFeed
from anpr_rules.adapters.regime_store import RegimeStore
from anpr_rules.adapters.registry_follow import RegistryFollower
from anpr_rules.adapters.state import BatchState, PostgresRulesState
from anpr_rules.config import RulesSettings
from anpr_rules.handlers import Judging, RulesState, evaluate_read, keyed_plate, recheck_due, reevaluate_read
from anpr_runtime import RetriableError
from anpr_runtime.consumer import Handler, Hooked, Records
from anpr_runtime.correlation import acceptable, bound
from anpr_runtime.dispatch import Dispatch
from anpr_runtime.kafka import new_reader
from anpr_runtime.ports import Publisher
from anpr_runtime.publisher import DeferredPublisher, KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

log = logging.getLogger(__name__)
SPEC = ServiceSpec(
    name="rules", migrations_dir=Path(__file__).parent / "migrations", consumes=(READS.name, COMMANDS.name)
)


@dataclass(frozen=True)
class RulesComponents:
    """The service's object graph, as routes and tests see it (`resources.component(RulesComponents)`)."""

    regimes: RegimeStore
    vehicles: CompactVehicleIndex
    registry: RegistryFollower
    permits: InMemoryPermitIndex
    permit_feed: PermitFeed
    vehicles_loaded: asyncio.Event


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, RulesSettings)
    permits = InMemoryPermitIndex()
    key = settings.pseudonym_key.get_secret_value()
    vehicles = CompactVehicleIndex(key)
    parts = RulesComponents(
        regimes=RegimeStore(settings.regime_dir),
        vehicles=vehicles,
        registry=RegistryFollower(vehicles, resources.engine, settings.snapshot_dir, key),
        permits=permits,
        permit_feed=PermitFeed(partial(new_reader, settings), settings.topic(EXEMPTIONS.name), permits),
        vehicles_loaded=asyncio.Event(),
    )
    resources.components = parts
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)

    def judging(state: RulesState, publisher: Publisher) -> Judging:
        # Once per transaction, not per read: the reads of one batch are judged by the same regimes.
        return Judging(parts.regimes.regimes, parts.vehicles, permits, state, publisher, key)

    async def load_vehicles() -> None:
        """The registry at start (a snapshot mapped, or built), then every import followed by polling its
        version: PostgreSQL is the source of truth, so no event can be missed or seen before its commit."""
        while not parts.vehicles_loaded.is_set():
            try:
                await parts.registry.start()
                parts.vehicles_loaded.set()
            except Exception as exc:  # the database away at start: try again, not ready meanwhile
                log.warning("vehicle registry not loaded, retrying: %s: %s", type(exc).__name__, exc)
                await asyncio.sleep(5)
        while True:
            await asyncio.sleep(settings.registry_poll_seconds)
            try:
                await parts.registry.follow()
            except Exception as exc:  # keep judging with the registry we have; the next poll retries
                log.warning("vehicle registry not followed: %s: %s", type(exc).__name__, exc)

    async def vehicles_ready() -> None:
        if not parts.vehicles_loaded.is_set():
            raise RuntimeError("vehicle registry still loading")

    async def housekeeping() -> None:
        """Parking rechecks every second; regime files watched; expired state purged."""
        await parts.vehicles_loaded.wait()
        await parts.permit_feed.caught_up.wait()
        ticks = 0
        while True:
            now = datetime.now(UTC)
            try:
                async with resources.engine.begin() as connection:
                    state = PostgresRulesState(connection)
                    await recheck_due(now, judging(state, publisher))
                    if ticks % 3600 == 0:
                        await state.purge(now - timedelta(days=2), now - timedelta(days=40))
                if ticks % settings.regime_poll_seconds == 0:
                    parts.regimes.reload_if_changed()
            except Exception as exc:  # keep the loop alive; the next tick retries
                log.warning("rules housekeeping failed: %s", type(exc).__name__)
            ticks += 1
            await asyncio.sleep(1)

    resources.background += [parts.permit_feed.run, load_vehicles, housekeeping]
    resources.readiness["permits"] = parts.permit_feed.ready_check
    resources.readiness["vehicles"] = vehicles_ready
    resources.consume_after = partial(_both, parts)

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        event = DISPATCH.parse(record)
        await _loaded(parts)
        # One transaction per read: counts and state are durable before the offset is committed.
        async with resources.engine.begin() as connection:
            await DISPATCH.handle(event, judging(PostgresRulesState(connection), publisher))

    async def handle_batch(records: Records) -> None:
        """A fetched batch in one transaction: its state written at once, then its candidates sent
        together and acknowledged before the commit. Reads of one vehicle share a partition, so a later
        read in the batch sees what an earlier one marked."""
        events = DISPATCH.parse_all(records)
        await _loaded(parts)
        deferred = DeferredPublisher(resources.producer, settings.topic_prefix)
        async with resources.engine.begin() as connection:
            state = BatchState(connection)
            await state.load_marks([keyed_plate(e.plate, key) for _, e in events if isinstance(e, PlateRecognized)])
            batch = judging(state, deferred)
            for _, event in events:
                # The ids from the parsed event, not from the record's headers again (our producer writes
                # the headers from these very fields): a header scan per read was a few % of rules' CPU.
                assert isinstance(event, Envelope)  # every event DISPATCH parses
                with bound(correlation_id=acceptable(event.correlation_id), event_id=str(event.event_id)):
                    await DISPATCH.handle(event, batch)
            await state.flush()  # before anything is sent: a mark set meanwhile fails the batch unpublished
            await deferred.flush()

    return Hooked(handle, handle_batch=handle_batch)


async def _evaluate(read: PlateRecognized, judging: Judging) -> None:
    await evaluate_read(read, judging, datetime.now(UTC))


async def _reevaluate(command: ReevaluateRead, judging: Judging) -> None:
    await reevaluate_read(command, judging, datetime.now(UTC))


# Anything else on the consumed topics is a permanent error ("rules does not handle <event_type>").
DISPATCH = Dispatch[Judging]("rules").on(PlateRecognized, _evaluate).on(ReevaluateRead, _reevaluate)


async def _loaded(parts: RulesComponents) -> None:
    if not (parts.vehicles_loaded.is_set() and parts.permit_feed.caught_up.is_set()):
        try:
            await asyncio.wait_for(_both(parts), timeout=30)
        except TimeoutError as exc:
            raise RetriableError("vehicle registry or permit index still loading") from exc


async def _both(parts: RulesComponents) -> None:
    await parts.vehicles_loaded.wait()
    await parts.permit_feed.caught_up.wait()
