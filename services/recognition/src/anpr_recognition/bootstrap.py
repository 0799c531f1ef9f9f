import asyncio
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import FRAMES, FrameCaptured, parse_event
from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.repository import PostgresFrameLedger
from anpr_recognition.config import RecognitionSettings
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers import recognise_frame
from anpr_runtime import PermanentError
from anpr_runtime.consumer import Handler
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="recognition", migrations_dir=Path(__file__).parent / "migrations", consumes=(FRAMES.name,))


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, RecognitionSettings)
    reader = OnnxPlateReader.from_installed_packages(threads=settings.onnx_threads)
    resources.extras["reader"] = reader
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    key = settings.pseudonym_key.get_secret_value()

    async def read_plates(jpeg: bytes) -> list[PlateReading]:
        # ONNX Runtime releases the GIL: the event loop keeps serving health checks meanwhile.
        return await asyncio.to_thread(reader.read, jpeg)

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        event = parse_event(record.value or b"")
        if not isinstance(event, FrameCaptured):
            raise PermanentError(f"recognition does not handle {event.event_type}")
        async with resources.engine.begin() as connection:
            await recognise_frame(
                event,
                read_plates,
                PostgresFrameLedger(connection),
                publisher,
                key,
                settings.min_confidence,
                datetime.now(UTC),
            )

    return handle
