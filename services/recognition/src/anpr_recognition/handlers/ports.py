"""What the recognition use cases work with, grouped so that call sites name a few objects instead of
a long row of collaborators."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from anpr_contracts import READS, PlateRecognized
from anpr_recognition.adapters.passages import PassageRepository
from anpr_recognition.adapters.repository import FrameLedger
from anpr_recognition.domain.plates import PlateReading
from anpr_runtime.ports import Publisher
from anpr_runtime.pseudonym import vehicle_key

ReadPlates = Callable[[bytes], Awaitable[list[PlateReading]]]


@dataclass(frozen=True)
class ReadsOut:
    """Where a read leaves the service: the reads topic, keyed by the vehicle's pseudonym."""

    publisher: Publisher
    pseudonym_key: str

    async def publish(self, read: PlateRecognized) -> None:
        await self.publisher.publish(READS.name, vehicle_key(read.plate, self.pseudonym_key), read)


@dataclass(frozen=True)
class ReadRules:
    """Which readings count and how they are pooled into passages (settings, fixed for a run)."""

    min_confidence: float
    # Reads of one vehicle at one camera this close in event time are one passage; 0 publishes at once.
    window: timedelta
    # A passage with no read added for this long (processing time) closes too.
    idle: timedelta

    @property
    def pools_passages(self) -> bool:
        return self.window > timedelta(0)


@dataclass(frozen=True)
class FrameStores:
    """The stores of one frame's transaction: its ledger entry and the passages its reads join."""

    ledger: FrameLedger
    passages: PassageRepository
