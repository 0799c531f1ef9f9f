"""Request bodies of the ingest API (documented in its OpenAPI and exported JSON Schema)."""

import base64
import binascii
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from anpr_contracts import PlateRecognized, ReadSource
from anpr_ingest.domain.plates import normalise_plate

_ID = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _decode_base64(value: object) -> object:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("not valid base64") from exc
    return value


Jpeg = Annotated[bytes, BeforeValidator(_decode_base64), Field(max_length=4 * 1024 * 1024)]


class CameraIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camera_id: _ID
    kind: Literal["fixed", "rotating"] = "fixed"
    description: str = Field(default="", max_length=500)


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_id: _ID
    name: str = Field(min_length=1, max_length=200)
    regimes: list[_ID] = Field(description="Regimes enforced at this location.")


class PlacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_id: _ID
    valid_from: AwareDatetime


class ReadIn(BaseModel):
    """An already-recognised read from a system the municipality has (ANPR camera, bollard, scan car)."""

    model_config = ConfigDict(extra="forbid")

    source: ReadSource
    camera_id: _ID | None = None
    location_id: _ID | None = None
    observed_at: AwareDatetime
    plate: Annotated[str, BeforeValidator(lambda v: normalise_plate(v) if isinstance(v, str) else v)] = Field(
        min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$"
    )
    country: str | None = Field(default=None, min_length=2, max_length=3)
    confidence: float = Field(default=1.0, ge=0, le=1)
    plate_jpeg: Jpeg | None = Field(default=None, description="Plate close-up, base64 JPEG.")
    overview_jpeg: Jpeg | None = Field(default=None, description="Overview photo, base64 JPEG.")

    def to_event(self) -> PlateRecognized:
        return PlateRecognized(
            source=self.source,
            camera_id=self.camera_id,
            location_id=self.location_id,
            observed_at=self.observed_at,
            plate=self.plate,
            country=self.country.upper() if self.country else None,
            confidence=self.confidence,
            plate_jpeg=self.plate_jpeg,
            overview_jpeg=self.overview_jpeg,
        )
