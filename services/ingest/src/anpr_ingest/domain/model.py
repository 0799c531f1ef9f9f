from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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


@dataclass(frozen=True)
class Placement:
    camera_id: str
    location_id: str
    valid_from: datetime
    valid_until: datetime | None

    def covers(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)
