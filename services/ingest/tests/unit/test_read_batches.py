from datetime import timedelta

from pydantic import BaseModel

from anpr_contracts import PlateRecognized
from anpr_ingest.domain.model import CameraNotPlaced, UnknownCamera
from anpr_ingest.domain.tokens import Sender, WrongCamera
from anpr_ingest.handlers import ReadPorts, accept_reads
from anpr_runtime import AnprError, RetriableError
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeIngestRepository
from .scenario import KEY, THURSDAY, a_read

ANYONE = Sender("admin")


class RefusingPublisher(FakeEventPublisher):
    """Refuses the reads of one plate, as a broker partition that is down would."""

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        if isinstance(event, PlateRecognized) and event.plate == "DOWN01":
            raise RetriableError("broker unavailable")
        await super().publish(topic, key, event)


def kinds(results: list[PlateRecognized | AnprError]) -> list[str]:
    return [type(r).__name__ for r in results]


async def test_each_read_is_accepted_or_refused_on_its_own_in_order(placed: FakeIngestRepository) -> None:
    publisher = RefusingPublisher()
    reads = [
        a_read(observed_at=THURSDAY + timedelta(hours=1)),
        a_read(camera_id="cam-idle"),
        a_read(camera_id="cam-ghost"),
        a_read(plate="DOWN01"),
        a_read(camera_id=None, location_id="loc-dike"),
    ]

    results = await accept_reads(reads, ANYONE, ReadPorts(placed, publisher, KEY))

    assert kinds(results) == [
        "PlateRecognized",
        "CameraNotPlaced",
        "UnknownCamera",
        "RetriableError",
        "PlateRecognized",
    ]
    first, last = results[0], results[4]
    assert isinstance(first, PlateRecognized)
    assert first.location_id == "loc-south"
    assert isinstance(last, PlateRecognized)
    assert last.location_id == "loc-dike"
    assert [event for _, _, event in publisher.published] == [first, last]
    assert isinstance(results[1], CameraNotPlaced)
    assert isinstance(results[2], UnknownCamera)


async def test_camera_token_may_only_send_reads_of_its_camera(placed: FakeIngestRepository) -> None:
    publisher = FakeEventPublisher()
    reads = [a_read(), a_read(camera_id="cam-fix"), a_read(camera_id=None, location_id="loc-dike")]

    results = await accept_reads(reads, Sender("camera-token:t1", "cam-rot"), ReadPorts(placed, publisher, KEY))

    assert kinds(results) == ["PlateRecognized", "WrongCamera", "WrongCamera"]
    assert isinstance(results[1], WrongCamera)
    assert results[1].status_code == 403
    assert len(publisher.published) == 1


async def test_empty_batch_publishes_nothing(placed: FakeIngestRepository) -> None:
    publisher = FakeEventPublisher()
    assert await accept_reads([], ANYONE, ReadPorts(placed, publisher, KEY)) == []
    assert publisher.published == []
