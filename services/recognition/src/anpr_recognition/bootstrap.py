import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import ConsumerRecord
from prometheus_client import Info
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_contracts import FRAMES, FrameCaptured
from anpr_recognition.adapters.batch_reading import BatchReader
from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.passages import PostgresPassageRepository
from anpr_recognition.adapters.repository import PostgresFrameLedger
from anpr_recognition.config import RecognitionSettings
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers import FrameStores, ReadRules, ReadsOut, publish_closed_passages, recognise_frame
from anpr_runtime.consumer import Handler, Hooked
from anpr_runtime.dispatch import Dispatch
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


@dataclass(frozen=True)
class RecognitionComponents:
    """The service's object graph, built once by `bootstrap`; routes ask for it by this class."""

    reader: OnnxPlateReader
    batches: BatchReader
    engine: AsyncEngine
    out: ReadsOut
    rules: ReadRules


async def on_frame(frame: FrameCaptured, components: RecognitionComponents) -> None:
    async def read_plates(_: bytes) -> list[PlateReading]:
        return await components.batches.read(frame)

    async with components.engine.begin() as connection:
        stores = FrameStores(PostgresFrameLedger(connection), PostgresPassageRepository(connection))
        await recognise_frame(frame, read_plates, stores, components.out, components.rules, datetime.now(UTC))


DISPATCH = Dispatch[RecognitionComponents]("recognition").on(FrameCaptured, on_frame)


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, RecognitionSettings)
    reader = OnnxPlateReader.from_installed_packages(
        threads=settings.onnx_threads, precision=settings.detector_precision
    )
    MODEL.info({"version": str(reader.describe()["version"]), "threads": str(settings.onnx_threads or "default")})
    components = RecognitionComponents(
        reader=reader,
        batches=BatchReader(reader, settings.batch_frames, settings.max_frame_pixels, settings.batch_max_frame_pixels),
        engine=resources.engine,
        out=ReadsOut(
            KafkaEventPublisher(resources.producer, settings.topic_prefix), settings.pseudonym_key.get_secret_value()
        ),
        rules=ReadRules(
            min_confidence=settings.min_confidence,
            window=timedelta(seconds=settings.passage_window_seconds),
            idle=timedelta(seconds=settings.passage_idle_seconds),
        ),
    )
    resources.components = components

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        await DISPATCH.handle(DISPATCH.parse(record), components)

    async def close_passages() -> None:
        # Passages live in PostgreSQL, so a crash loses none: the next instance publishes what is due.
        while True:
            try:
                async with resources.engine.begin() as connection:
                    passages = PostgresPassageRepository(connection)
                    await publish_closed_passages(passages, components.out, components.rules, datetime.now(UTC))
            except Exception as exc:  # the database or broker is away: the reads wait, try again
                log.warning("closing passages failed: %s", type(exc).__name__)
            await asyncio.sleep(settings.passage_poll_seconds)

    if components.rules.pools_passages:
        resources.background.append(close_passages)
    # prepare: a fetched batch's plates are read at once, before its frames are handled one by one.
    return Hooked(handle, prepare=components.batches.prepare)
