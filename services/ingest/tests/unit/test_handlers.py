import inspect
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from anpr_contracts import FrameCaptured, PlateRecognized, ReadSource
from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.domain.clock import ClockSkew
from anpr_ingest.domain.jpeg import InvalidFrame
from anpr_ingest.domain.model import Camera, CameraKind, Location, Placement
from anpr_ingest.handlers import AcceptFrame, FrameLimits, accept_frame, accept_read, place_camera
from anpr_runtime import Conflict, NotFound, PermanentError
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeIngestRepository

KEY = "unit-pseudonym-key"
LIMITS = FrameLimits(max_bytes=1024 * 1024, max_skew_seconds=300)
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # rotating camera at the north location
THURSDAY = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # moved to the south location
SATURDAY = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # when frames are (re)sent


def a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = a_jpeg()


def a_frame(captured_at: datetime, frame_id: str = "frame-1", camera_id: str = "cam-rot") -> AcceptFrame:
    return AcceptFrame(
        camera_id=camera_id, captured_at=captured_at, frame_id=frame_id, image=JPEG, correlation_id="corr-1"
    )


def a_read(**overrides: object) -> PlateRecognized:
    fields: dict[str, object] = {
        "source": ReadSource.FIXED_ANPR,
        "camera_id": "cam-rot",
        "observed_at": MONDAY + timedelta(hours=2),
        "plate": "72VGX6",
        "confidence": 0.97,
    }
    fields.update(overrides)
    return PlateRecognized.model_validate(fields)


@pytest.fixture
async def placed(repo: FakeIngestRepository) -> FakeIngestRepository:
    """A rotating camera at the north location from Monday and at the south location from Thursday."""
    await repo.add_camera(Camera("cam-rot", CameraKind.ROTATING, "mobile mast"), MONDAY)
    await repo.add_camera(Camera("cam-idle", CameraKind.FIXED, "never placed"), MONDAY)
    await repo.add_location(Location("loc-north", "Noord", ("milieuzone-centrum",)))
    await repo.add_location(Location("loc-south", "Zuid", ("milieuzone-centrum",)))
    await place_camera(Placement("cam-rot", "loc-north", MONDAY, None), repo)
    await place_camera(Placement("cam-rot", "loc-south", THURSDAY, None), repo)
    return repo


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(IngestRepository, inspect.isfunction) if not name.startswith("_")}
    for name in port:
        fake_method = getattr(FakeIngestRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(IngestRepository, name)).parameters.keys()
        ), name


# accept_frame


async def test_frame_is_stamped_with_the_location_the_camera_had_at_capture_time(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    # Both frames are sent on Saturday, after the move: capture time decides, not arrival time.
    assert await accept_frame(a_frame(MONDAY + timedelta(days=1), "f-tue"), placed, publisher, LIMITS, SATURDAY)
    assert await accept_frame(a_frame(THURSDAY + timedelta(hours=1), "f-thu"), placed, publisher, LIMITS, SATURDAY)

    events = [event for _, _, event in publisher.published]
    assert all(isinstance(e, FrameCaptured) for e in events)
    assert [(e.frame_id, e.location_id) for e in events if isinstance(e, FrameCaptured)] == [
        ("f-tue", "loc-north"),
        ("f-thu", "loc-south"),
    ]


async def test_frame_at_the_exact_moment_of_the_move_belongs_to_the_new_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(THURSDAY), placed, publisher, LIMITS, SATURDAY)
    await accept_frame(a_frame(THURSDAY - timedelta(microseconds=1), "f-2"), placed, publisher, LIMITS, SATURDAY)

    locations = [getattr(event, "location_id", None) for _, _, event in publisher.published]
    assert locations == ["loc-south", "loc-north"]


async def test_frame_is_published_on_the_frames_topic_keyed_by_camera_with_its_image(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    captured = MONDAY + timedelta(hours=1)
    await accept_frame(a_frame(captured), placed, publisher, LIMITS, SATURDAY)

    [(topic, key, event)] = publisher.published
    assert topic == "anpr.frames.v1"
    assert key == "cam-rot"
    assert isinstance(event, FrameCaptured)
    assert event.image_jpeg == JPEG
    assert event.captured_at == captured
    assert event.correlation_id == "corr-1"
    assert event.camera_id == "cam-rot"


async def test_frame_from_a_camera_not_placed_then_has_no_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(MONDAY - timedelta(days=1)), placed, publisher, LIMITS, SATURDAY)

    [(_, _, event)] = publisher.published
    assert isinstance(event, FrameCaptured)
    assert event.location_id is None


async def test_duplicate_frame_id_is_not_republished(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    frame = a_frame(MONDAY + timedelta(hours=1), "gateway-42")
    assert await accept_frame(frame, placed, publisher, LIMITS, SATURDAY) is True
    assert await accept_frame(frame, placed, publisher, LIMITS, SATURDAY + timedelta(seconds=5)) is False

    assert len(publisher.published) == 1


async def test_same_frame_id_from_another_camera_is_a_different_frame(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(MONDAY, "f-1", "cam-rot"), placed, publisher, LIMITS, SATURDAY)
    assert await accept_frame(a_frame(MONDAY, "f-1", "cam-idle"), placed, publisher, LIMITS, SATURDAY)

    assert [key for _, key, _ in publisher.published] == ["cam-rot", "cam-idle"]


async def test_frame_from_an_unknown_camera_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await accept_frame(a_frame(MONDAY, camera_id="cam-ghost"), placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []
    assert placed.frames_seen == {}


async def test_frame_that_is_no_jpeg_is_refused_before_anything_is_remembered(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    command = AcceptFrame("cam-rot", MONDAY, "f-png", b"\x89PNG\r\n\x1a\n....", "corr")
    with pytest.raises(InvalidFrame):
        await accept_frame(command, placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []
    assert placed.frames_seen == {}


async def test_frame_from_a_camera_clock_in_the_future_is_refused(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(ClockSkew):
        await accept_frame(a_frame(SATURDAY + timedelta(minutes=10)), placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []


# accept_read


async def test_read_gets_the_location_of_its_camera_and_is_keyed_by_pseudonym(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    read = a_read(observed_at=THURSDAY + timedelta(hours=3))

    stamped = await accept_read(read, placed, publisher, KEY)

    assert stamped.location_id == "loc-south"
    [(topic, key, event)] = publisher.published
    assert topic == "anpr.reads.v1"
    assert key == vehicle_key("72VGX6", KEY)
    assert "72VGX6" not in key
    assert event == stamped
    assert isinstance(event, PlateRecognized)
    assert event.read_id == read.read_id


async def test_placement_of_the_camera_wins_over_a_location_the_source_sent(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    stamped = await accept_read(a_read(location_id="loc-south"), placed, publisher, KEY)

    assert stamped.location_id == "loc-north"


async def test_read_without_camera_keeps_its_own_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    stamped = await accept_read(a_read(camera_id=None, location_id="loc-south"), placed, publisher, KEY)

    assert stamped.location_id == "loc-south"
    assert len(publisher.published) == 1


async def test_read_without_any_location_is_a_permanent_error(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(PermanentError, match="location"):
        await accept_read(a_read(camera_id=None, location_id=None), placed, publisher, KEY)
    with pytest.raises(PermanentError, match="location"):
        await accept_read(a_read(camera_id="cam-idle"), placed, publisher, KEY)

    assert publisher.published == []


async def test_read_from_an_unknown_camera_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await accept_read(a_read(camera_id="cam-ghost", location_id="loc-north"), placed, publisher, KEY)

    assert publisher.published == []


async def test_read_at_an_unknown_location_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="loc-nowhere"):
        await accept_read(a_read(camera_id=None, location_id="loc-nowhere"), placed, publisher, KEY)

    assert publisher.published == []


# place_camera


async def test_appending_a_placement_closes_the_previous_one(placed: FakeIngestRepository) -> None:
    history = await placed.placements_of("cam-rot")

    assert history == [
        Placement("cam-rot", "loc-north", MONDAY, THURSDAY),
        Placement("cam-rot", "loc-south", THURSDAY, None),
    ]


async def test_placement_before_the_last_one_is_a_conflict_and_changes_nothing(
    placed: FakeIngestRepository,
) -> None:
    before = await placed.placements_of("cam-rot")

    with pytest.raises(Conflict):
        await place_camera(Placement("cam-rot", "loc-north", THURSDAY - timedelta(hours=1), None), placed)
    with pytest.raises(Conflict):
        await place_camera(Placement("cam-rot", "loc-north", THURSDAY, None), placed)

    assert await placed.placements_of("cam-rot") == before


async def test_placing_an_unknown_camera_or_at_an_unknown_location_is_not_found(
    placed: FakeIngestRepository,
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await place_camera(Placement("cam-ghost", "loc-north", SATURDAY, None), placed)
    with pytest.raises(NotFound, match="loc-nowhere"):
        await place_camera(Placement("cam-rot", "loc-nowhere", SATURDAY, None), placed)

    assert len(await placed.placements_of("cam-rot")) == 2


async def test_placements_of_one_camera_leave_other_cameras_alone(placed: FakeIngestRepository) -> None:
    await place_camera(Placement("cam-idle", "loc-north", SATURDAY, None), placed)

    assert (await placed.placements_of("cam-rot"))[-1].valid_until is None
    assert await placed.placements_of("cam-idle") == [Placement("cam-idle", "loc-north", SATURDAY, None)]
