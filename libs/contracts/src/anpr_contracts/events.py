"""Frozen event models. Every event is an `Envelope` plus its payload fields; `event_type` discriminates."""

from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from anpr_contracts.ids import random_uuid, random_uuid_text


def _now() -> datetime:
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Every moment in UTC: two datetimes with the same ZoneInfo compare by wall clock, which is ambiguous around
# a DST change (02:00-03:00); UTC instants never are. On the datetime fields only: a validator on every
# field ("*") was a Python call per field of every event built or parsed, most of an event's validation time.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class Envelope(BaseModel):
    """Fields every event carries."""

    # Images travel as base64 in JSON; Python code sees plain bytes.
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")

    event_id: UUID = Field(default_factory=random_uuid, description="Unique id of this event; idempotency key.")
    schema_version: int = Field(default=1, description="Version of this event type's schema.")
    occurred_at: UtcDatetime = Field(default_factory=_now, description="When the event happened (UTC).")
    correlation_id: str = Field(
        default_factory=random_uuid_text,
        max_length=100,
        description="Follows one frame or read from ingest to notice.",
    )


class ReadSource(StrEnum):
    """Where a plate read came from."""

    CAMERA = "camera"
    FIXED_ANPR = "fixed_anpr"
    BOLLARD = "bollard"
    SCAN_CAR = "scan_car"
    MOBILE = "mobile"


class Direction(StrEnum):
    """Which way a boundary camera sees vehicles go."""

    ENTRY = "entry"
    EXIT = "exit"


class RegimeMode(StrEnum):
    """Phase a regime is in at the moment of a read."""

    OBSERVE = "observe"
    WARN = "warn"
    ENFORCE = "enforce"


Box = tuple[int, int, int, int]


class FrameCaptured(Envelope):
    """A camera frame accepted by ingest; input of recognition."""

    event_type: Literal["frame.captured"] = Field(default="frame.captured", description="Event type discriminator.")
    frame_id: str = Field(max_length=200, description="Gateway's idempotency key (or one ingest made).")
    camera_id: str = Field(max_length=100, description="Camera that took the frame.")
    location_id: str | None = Field(default=None, description="Where the camera stood at capture time.")
    zone_id: str | None = Field(default=None, max_length=100, description="Zone of that location, if any.")
    direction: Direction | None = Field(default=None, description="entry or exit, for a zone's boundary cameras.")
    captured_at: UtcDatetime = Field(description="Capture time from the camera clock.")
    image_jpeg: bytes = Field(description="The JPEG frame, base64 in JSON.")


class PlateRecognized(Envelope):
    """One plate read, from recognition or from an existing ANPR system via ingest."""

    event_type: Literal["plate.recognized"] = Field(default="plate.recognized", description="Event type discriminator.")
    read_id: UUID = Field(default_factory=random_uuid, description="Unique id of this read.")
    source: ReadSource = Field(description="Kind of system that produced the read.")
    camera_id: str | None = Field(default=None, max_length=100, description="Camera, when known.")
    location_id: str | None = Field(default=None, max_length=100, description="Location of the read.")
    zone_id: str | None = Field(default=None, max_length=100, description="Zone of that location, if any.")
    direction: Direction | None = Field(default=None, description="entry or exit, for a zone's boundary cameras.")
    observed_at: UtcDatetime = Field(description="When the vehicle was seen.")
    plate: str = Field(min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$", description="Plate, A-Z0-9 only.")
    formatted: str | None = Field(default=None, max_length=20, description="Plate as printed, e.g. 72-VGX-6.")
    country: str | None = Field(default=None, max_length=3, description="ISO country guess, None = unknown.")
    plate_format: str | None = Field(
        default=None,
        max_length=32,
        description="Plate format the text matched, e.g. NL:99-XXX-9 or FR:XX-999-XX; None = free reading.",
    )
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability the plate text is right.")
    box: Box | None = Field(default=None, description="Plate box in the frame: x0, y0, x1, y1 pixels.")
    frame_id: str | None = Field(default=None, description="Frame the read came from, if any.")
    plate_jpeg: bytes | None = Field(default=None, description="Plate close-up (evidence).")
    overview_jpeg: bytes | None = Field(default=None, description="Overview photo (evidence).")


class CandidateRaised(Envelope):
    """A read that breaks a regime in force: input of the human review in notices."""

    event_type: Literal["candidate.raised"] = Field(default="candidate.raised", description="Event type discriminator.")
    candidate_key: str = Field(max_length=200, description="Natural key: one candidate per read and regime.")
    read: PlateRecognized = Field(description="The read with its evidence.")
    regime_id: str = Field(max_length=100, description="Regime broken.")
    regime_version: str = Field(max_length=50, description="Version of the regime definition applied.")
    mode: RegimeMode = Field(description="Regime phase at the moment of the read.")
    legal_reference: str = Field(description="Legal basis, e.g. RVV 1990 art. 62, sign C22a.")
    fine_eur: float | None = Field(default=None, ge=0, description="Fine amount in euro in enforce mode.")
    explanation: tuple[str, ...] = Field(description="Human-readable reasons for the decision.")
    vehicle: dict[str, str | int | float | None] = Field(description="Vehicle facts the decision used.")
    enforceable: bool = Field(
        default=True,
        description="False: review only, never an automatic notice (foreign plate in a ZE zone, no vehicle data).",
    )
    exemptions_checked: tuple[str, ...] = Field(default=(), description="Exemption kinds checked and not found.")
    replaces: str | None = Field(
        default=None,
        max_length=200,
        description="candidate_key of the candidate this one replaces after a reviewer corrected the plate.",
    )


class ReevaluateRead(Envelope):
    """Command from notices to rules: judge this read again with the plate a reviewer corrected."""

    event_type: Literal["read.reevaluate"] = Field(default="read.reevaluate", description="Event type discriminator.")
    read: PlateRecognized = Field(description="The original read (with its evidence), plate corrected, formatted None.")
    candidate_key: str = Field(max_length=200, description="Natural key of the candidate the correction replaces.")
    regime_id: str = Field(max_length=100, description="Regime of that candidate: the only one judged again.")
    requested_by: str = Field(max_length=100, description="Reviewer who corrected the plate.")


class ReadReevaluated(Envelope):
    """Answer of rules to `ReevaluateRead`; carries no plate. A candidate, if any, is published before it."""

    event_type: Literal["read.reevaluated"] = Field(default="read.reevaluated", description="Event type discriminator.")
    candidate_key: str = Field(max_length=200, description="Natural key of the candidate that was corrected.")
    outcomes: dict[str, str] = Field(
        description="Regime id -> outcome of the corrected read (candidate, no_hit, exempt, duplicate, ...)."
    )


class ExemptionChanged(Envelope):
    """A permit or automatic exemption was created, changed or revoked (compacted by exemption_id)."""

    event_type: Literal["exemption.changed"] = Field(
        default="exemption.changed", description="Event type discriminator."
    )
    exemption_id: str = Field(max_length=100, description="Stable id; the topic key.")
    plate_key: str = Field(max_length=128, description="Pseudonymous vehicle key (keyed hash of the plate).")
    kind: str = Field(max_length=40, description="resident, business, works, market, disabled, day-permit...")
    regimes: tuple[str, ...] = Field(description="Regime ids it applies to; empty = all regimes.")
    zones: tuple[str, ...] = Field(default=(), description="Zone ids it applies to; empty = every zone.")
    valid_from: UtcDatetime = Field(description="Start of validity.")
    valid_until: UtcDatetime | None = Field(default=None, description="End of validity, None = open.")
    daily_from: time | None = Field(default=None, description="Valid from this local time each day (Amsterdam).")
    daily_until: time | None = Field(default=None, description="Valid until this local time each day; may wrap.")
    revoked: bool = Field(default=False, description="True when the exemption was withdrawn.")


class ApplicationChanged(Envelope):
    """An application at the permit counter changed status (keyed by application_id). Ids and status only:
    no plate, no applicant, no reason (those stay in the exemptions service)."""

    event_type: Literal["application.changed"] = Field(
        default="application.changed", description="Event type discriminator."
    )
    application_id: str = Field(max_length=100, description="Stable id; the topic key.")
    kind: str = Field(max_length=40, description="day-permit, resident, business, disabled, works.")
    status: str = Field(max_length=40, description="submitted, needs_information, granted, refused, withdrawn.")
    previous_status: str | None = Field(default=None, max_length=40, description="None for a new application.")
    exemption_id: str | None = Field(default=None, max_length=100, description="The permit a grant created.")


Event = Annotated[
    FrameCaptured
    | PlateRecognized
    | CandidateRaised
    | ExemptionChanged
    | ApplicationChanged
    | ReevaluateRead
    | ReadReevaluated,
    Field(discriminator="event_type"),
]
