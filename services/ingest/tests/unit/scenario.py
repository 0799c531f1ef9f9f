"""One week of a small pilot: a rotating camera that moves, a fixed one, one never placed."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from anpr_contracts import Direction, PlateRecognized, ReadSource
from anpr_ingest.domain.model import Camera, CameraKind, Location, Placement
from anpr_ingest.handlers import AcceptFrame, FrameLimits, place_camera

from .fakes import FakeIngestRepository

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # rotating camera at the north entry of the centrum zone
THURSDAY = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # moved to the south exit
SATURDAY = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # when frames are (re)sent

NORTH = Location("loc-north", "Noord", ("milieuzone-centrum",), zone_id="centrum", direction=Direction.ENTRY)
SOUTH = Location("loc-south", "Zuid", ("milieuzone-centrum",), zone_id="centrum", direction=Direction.EXIT)
DIKE = Location("loc-dike", "Dijkweg", ("closed-road-dijkweg",), sign="C7", consent_reference="OM-CVOM-2026-17")


KEY = "unit-pseudonym-key"
LIMITS = FrameLimits(max_bytes=1024 * 1024, max_skew_seconds=300)


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


async def set_up(repo: FakeIngestRepository) -> FakeIngestRepository:
    await repo.add_camera(Camera("cam-rot", CameraKind.ROTATING, "mobile mast"), MONDAY)
    await repo.add_camera(Camera("cam-fix", CameraKind.FIXED, "Noord gantry"), MONDAY)
    await repo.add_camera(Camera("cam-idle", CameraKind.FIXED, "never placed"), MONDAY)
    for location in (NORTH, SOUTH, DIKE):
        await repo.add_location(location)
    await place_camera(Placement("cam-rot", "loc-north", MONDAY, None), repo)
    await place_camera(Placement("cam-rot", "loc-south", THURSDAY, None), repo)
    await place_camera(Placement("cam-fix", "loc-north", MONDAY, None), repo)
    return repo
