from datetime import UTC, datetime
from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import CANDIDATES, CandidateRaised, parse_event
from anpr_notices.adapters.repository import PostgresCandidateRepository
from anpr_notices.handlers import store_candidate
from anpr_runtime import PermanentError
from anpr_runtime.consumer import Handler
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="notices", migrations_dir=Path(__file__).parent / "migrations", consumes=(CANDIDATES.name,))


def bootstrap(resources: Resources) -> Handler:
    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        event = parse_event(record.value or b"")
        if not isinstance(event, CandidateRaised):
            raise PermanentError(f"notices does not handle {event.event_type}")
        async with resources.engine.begin() as connection:
            await store_candidate(event, PostgresCandidateRepository(connection), datetime.now(UTC))

    return handle
