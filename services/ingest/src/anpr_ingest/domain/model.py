from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from anpr_contracts import Direction
from anpr_runtime import NotFound, PermanentError


class CameraKind(StrEnum):
    FIXED = "fixed"
    ROTATING = "rotating"


@dataclass(frozen=True)
class Camera:
    camera_id: str
    kind: CameraKind
    description: str


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    regimes: tuple[str, ...]
    zone_id: str | None = None
    # entry/exit for a camera on the zone's boundary (maximum stay in access windows).
    direction: Direction | None = None
    # C-sign that must be on the photo with the vehicle, or a court annuls the fine.
    sign: str | None = None
    # The public prosecutor's consent for camera enforcement here.
    consent_reference: str | None = None


@dataclass(frozen=True)
class Placement:
    camera_id: str
    location_id: str
    valid_from: datetime
    valid_until: datetime | None

    def covers(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def can_be_followed_at(self, moment: datetime) -> bool:
        """An open placement is cut short by the next one; a closed one keeps its end."""
        return moment > self.valid_from if self.valid_until is None else moment >= self.valid_until


class CameraNotPlaced(PermanentError):
    """A frame or read from a camera that stood nowhere then: no location, so no regime can judge it."""

    status_code = 422

    def __init__(self, camera_id: str, moment: datetime) -> None:
        super().__init__(f"camera {camera_id} has no placement at {moment.isoformat()}")


class UnknownCamera(NotFound):
    def __init__(self, camera_id: str) -> None:
        super().__init__(f"unknown camera {camera_id!r}")
