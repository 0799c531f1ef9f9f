"""Request bodies of the ingest API (documented in its OpenAPI and exported JSON Schema)."""

import base64
import binascii
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from anpr_contracts import Direction, PlateRecognized, ReadSource
from anpr_ingest.domain.model import Location, Placement
from anpr_ingest.domain.plates import MAX_PLATE, MIN_PLATE, implausible_plate, normalise_plate
from anpr_runtime.inputs import Moment, Text

_ID = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]
# RVV 1990 sign codes: C7, C12, C22a.
_Sign = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[A-L][0-9]{1,3}[a-z]?$")]
_Consent = Annotated[Text, Field(min_length=1, max_length=200)]


def _decode_base64(value: object) -> object:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError("not valid base64") from exc
    return value


Jpeg = Annotated[
    bytes,
    BeforeValidator(_decode_base64),
    Field(max_length=4 * 1024 * 1024),
    # What a client sends, not the bytes it becomes: integrators read the exported schema.
    WithJsonSchema({"type": "string", "contentEncoding": "base64", "contentMediaType": "image/jpeg"}),
]


class CameraIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camera_id: _ID
    kind: Literal["fixed", "rotating"] = "fixed"
    description: Text = Field(default="", max_length=500)


class LocationIn(BaseModel):
    """A place a camera can stand, with what is enforced there."""

    model_config = ConfigDict(extra="forbid")

    location_id: _ID
    name: Text = Field(min_length=1, max_length=200)
    regimes: list[_ID] = Field(description="Regimes enforced at this location.")
    zone_id: _ID | None = Field(default=None, description="Zone a regime may apply to, e.g. centrum.")
    direction: Direction | None = Field(
        default=None, description="entry or exit for a camera on the zone's boundary (maximum stay)."
    )
    sign: _Sign | None = Field(default=None, description="C-sign that must be in view on the photo, e.g. C7.")
    consent_reference: _Consent | None = Field(
        default=None, description="The public prosecutor's consent for camera enforcement here."
    )

    @model_validator(mode="after")
    def _direction_needs_a_zone(self) -> "LocationIn":
        if self.direction is not None and self.zone_id is None:
            raise ValueError("direction is entry or exit of a zone: give zone_id too")
        return self

    def to_location(self) -> Location:
        return Location(
            self.location_id,
            self.name,
            tuple(self.regimes),
            zone_id=self.zone_id,
            direction=self.direction,
            sign=self.sign,
            consent_reference=self.consent_reference,
        )

    @classmethod
    def of(cls, location: Location) -> "LocationIn":
        return cls(
            location_id=location.location_id,
            name=location.name,
            regimes=list(location.regimes),
            zone_id=location.zone_id,
            direction=location.direction,
            sign=location.sign,
            consent_reference=location.consent_reference,
        )


class LocationPatch(BaseModel):
    """What may change at a location; a field left out stays, null clears sign or consent."""

    model_config = ConfigDict(extra="forbid")

    regimes: list[_ID] | None = Field(default=None, description="Regimes enforced at this location.")
    sign: _Sign | None = Field(default=None, description="C-sign that must be in view on the photo.")
    consent_reference: _Consent | None = Field(default=None, description="The public prosecutor's consent.")

    @model_validator(mode="after")
    def _regimes_are_a_list(self) -> "LocationPatch":
        if "regimes" in self.model_fields_set and self.regimes is None:
            raise ValueError("regimes cannot be null: send [] for none")
        return self

    def changes(self) -> dict[str, Any]:
        changed: dict[str, Any] = {name: getattr(self, name) for name in self.model_fields_set}
        if self.regimes is not None:
            changed["regimes"] = tuple(self.regimes)
        return changed


class PlacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_id: _ID
    valid_from: Moment


class PlacementEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: Moment = Field(description="When the camera was taken down.")


class PlacementOut(BaseModel):
    location_id: str
    valid_from: AwareDatetime
    valid_until: AwareDatetime | None = Field(description="None while the camera still stands there.")

    @classmethod
    def of(cls, placement: Placement) -> "PlacementOut":
        return cls(
            location_id=placement.location_id, valid_from=placement.valid_from, valid_until=placement.valid_until
        )


class ReadIn(BaseModel):
    """An already-recognised read from a system the municipality has (ANPR camera, bollard, scan car)."""

    model_config = ConfigDict(extra="forbid")

    source: ReadSource = Field(description="Kind of system that produced the read.")
    camera_id: _ID | None = Field(
        default=None, description="Registered camera that took the read: its placement at observed_at is the location."
    )
    location_id: _ID | None = Field(
        default=None, description="Where the read was taken, for a source without a registered camera."
    )
    observed_at: Moment = Field(description="When the vehicle was seen: ISO 8601 with a UTC offset.")
    plate: Annotated[str, BeforeValidator(lambda v: normalise_plate(v) if isinstance(v, str) else v)] = Field(
        min_length=MIN_PLATE,
        max_length=MAX_PLATE,
        pattern=r"^[A-Z0-9]+$",
        description=(
            "Plate as read, e.g. 72VGX6; spaces, dashes and dots are removed and letters upper-cased first. "
            "Refused when no plate can look like it: letters only without a country that issues such plates, "
            "or with country NL a shape that is no Dutch sidecode."
        ),
    )
    country: Text | None = Field(
        default=None, min_length=2, max_length=3, description="Country code of the plate when known, e.g. NL."
    )
    confidence: float = Field(default=1.0, ge=0, le=1, description="How sure the source is of the plate, 0 to 1.")
    plate_jpeg: Jpeg | None = Field(default=None, description="Plate close-up, base64 JPEG.")
    overview_jpeg: Jpeg | None = Field(default=None, description="Overview photo, base64 JPEG.")

    @model_validator(mode="after")
    def _a_plausible_plate(self) -> "ReadIn":
        # A misread or a fuzzer's W, 0 or ONI would otherwise wait in the review queue for a person.
        if (reason := implausible_plate(self.plate, self.country)) is not None:
            raise ValueError(f"not a plate: {reason}")
        return self

    def to_event(self, correlation_id: str | None = None) -> PlateRecognized:
        """`correlation_id`: the request's, given at once (the publisher would otherwise copy the event to give
        it; a copy and a fresh id per read were a tenth of ingest's CPU per read)."""
        chain = {} if correlation_id is None else {"correlation_id": correlation_id}
        return PlateRecognized(
            **chain,
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
