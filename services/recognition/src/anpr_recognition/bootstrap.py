import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import ConsumerRecord
from prometheus_client import Info

from anpr_contracts import FRAMES, FrameCaptured, parse_event
from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.passages import PostgresPassageRepository
from anpr_recognition.adapters.repository import PostgresFrameLedger
from anpr_recognition.batch_reading import BatchReader
from anpr_recognition.config import RecognitionSettings
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers import publish_closed_passages, recognise_frame
from anpr_runtime import PermanentError
from anpr_runtime.consumer import Handler, Hooked
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

# Frames are photos of ~130 KB, each a tenth of a second of CPU: a poll takes fewer than reads' 500.
SPEC = ServiceSpec(
    name="recognition",
    migrations_dir=Path(__file__).parent / "migrations",
    consumes=(FRAMES.name,),
    max_records=100,
)
MODEL = Info("anpr_recognition_model", "Models this instance reads plates with")
log = logging.getLogger(__name__)


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, RecognitionSettings)
    reader = OnnxPlateReader.from_installed_packages(
        threads=settings.onnx_threads, precision=settings.detector_precision
    )
    resources.extras["reader"] = reader
    MODEL.info({"version": str(reader.describe()["version"]), "threads": str(settings.onnx_threads or "default")})
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    key = settings.pseudonym_key.get_secret_value()
    window = timedelta(seconds=settings.passage_window_seconds)
    idle = timedelta(seconds=settings.passage_idle_seconds)

    batches, min_confidence = BatchReader(reader, settings.batch_frames), settings.min_confidence

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        event = parse_event(record.value or b"")
        if not isinstance(event, FrameCaptured):
            raise PermanentError(f"recognition does not handle {event.event_type}")

        async def read_plates(_: bytes) -> list[PlateReading]:
            return await batches.read(event)

        async with resources.engine.begin() as connection:
            await recognise_frame(
                event,
                read_plates,
                PostgresFrameLedger(connection),
                PostgresPassageRepository(connection),
                publisher,
                key,
                min_confidence,
                window,
                datetime.now(UTC),
            )

    async def close_passages() -> None:
        # Passages live in PostgreSQL, so a crash loses none: the next instance publishes what is due.
        while True:
            try:
                async with resources.engine.begin() as connection:
                    await publish_closed_passages(
                        PostgresPassageRepository(connection), publisher, key, window, idle, datetime.now(UTC)
                    )
            except Exception as exc:  # the database or broker is away: the reads wait, try again
                log.warning("closing passages failed: %s", type(exc).__name__)
            await asyncio.sleep(settings.passage_poll_seconds)

    if window > timedelta(0):
        resources.background.append(close_passages)
    # prepare: a fetched batch's plates are read at once, before its frames are handled one by one.
    return Hooked(handle, prepare=batches.prepare)
