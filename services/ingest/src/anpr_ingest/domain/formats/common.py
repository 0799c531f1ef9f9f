"""What every format adapter needs: the read body it produces, its error, and the field conversions
(plate text, confidence, country, moment, camera id) that differ per product only in their input."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict

from anpr_contracts import ReadSource
from anpr_runtime import PermanentError


class FormatError(PermanentError):
    """A payload or row that cannot be mapped onto a read; the message says which field and why."""

    status_code = 422


class ReadBody(TypedDict, total=False):
    """The JSON body of `POST /v1/reads` (ingest's `ReadIn`), as the adapters produce it."""

    source: str
    camera_id: str
    location_id: str
    observed_at: str
    plate: str
    country: str
    confidence: float
    plate_jpeg: str
    overview_jpeg: str


@dataclass(frozen=True)
class CameraMap:
    """Their camera id -> ours: an explicit mapping wins, otherwise `prefix` + their id.

    Keys may be scoped as "<agent or site>/<camera>": the open-source OpenALPR agent numbers its
    cameras 1..n, so two agents both send camera 1."""

    prefix: str = ""
    mapping: Mapping[str, str] = field(default_factory=dict)

    def ours(self, theirs: str, scope: str | None = None) -> str:
        if scope and f"{scope}/{theirs}" in self.mapping:
            return self.mapping[f"{scope}/{theirs}"]
        return self.mapping.get(theirs, f"{self.prefix}{theirs}")


@dataclass(frozen=True)
class Target:
    """Where reads of a payload go when the payload does not say: the source kind and a fallback location."""

    source: ReadSource = ReadSource.FIXED_ANPR
    location_id: str | None = None
    cameras: CameraMap = field(default_factory=CameraMap)

    def place(self, their_camera: object, scope: str | None = None) -> ReadBody:
        """camera_id when the payload names a camera (our placements then decide the location), else location_id."""
        if their_camera is not None and str(their_camera).strip():
            return {"camera_id": self.cameras.ours(str(their_camera).strip(), scope)}
        if self.location_id:
            return {"location_id": self.location_id}
        raise FormatError("the payload names no camera: configure the sender's camera id or pass ?location_id=")


_NOT_PLATE = re.compile(r"[^A-Z0-9]")
_REGION = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)?$")
# Codes products use for a plate's country that are not ISO 3166 alpha-2 (or not a country at all).
_COUNTRY_ALIASES = {"uk": "gb"}
_NOT_COUNTRIES = frozenset({"eu"})  # OpenALPR's "eu" is a set of European plate patterns
# A Unix time below this is in seconds: in milliseconds it would be 1973, in seconds the year 5138.
_SECONDS_BELOW = 100_000_000_000


def plate_text(raw: object, where: str = "plate") -> str:
    """'nhk552' -> 'NHK552', '72-vgx-6' -> '72VGX6': the contract takes A-Z0-9 only."""
    if not isinstance(raw, str):
        raise FormatError(f"{where}: expected text, got {_kind(raw)}")
    text = _NOT_PLATE.sub("", raw.upper())
    if not text:
        raise FormatError(f"{where}: {raw!r} has no letters or digits")
    if len(text) > 16:
        raise FormatError(f"{where}: {raw!r} is longer than a plate (16 characters)")
    return text


def confidence(raw: object, scale: float, where: str = "confidence") -> float:
    """A product's score on 0..scale as a probability 0..1 (OpenALPR: 0-100, Plate Recognizer: 0-1)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise FormatError(f"{where}: expected a number 0-{scale:g}, got {_kind(raw)}")
    if not 0 <= raw <= scale:
        raise FormatError(f"{where}: {raw} is outside 0-{scale:g}")
    return round(raw / scale, 6)


def country_from_region(raw: object) -> str | None:
    """'nl' -> 'NL', 'gb' -> 'GB', 'us-ca' -> 'US'; None when the code names no country ('', 'eu', 'mo'...)."""
    if not isinstance(raw, str):
        return None
    match = _REGION.match(raw.strip().lower())
    if match is None:
        return None
    code = _COUNTRY_ALIASES.get(match.group(1), match.group(1))
    return None if code in _NOT_COUNTRIES else code.upper()


def utc_from_epoch(raw: object, where: str) -> datetime:
    """Unix time in milliseconds (Rekor Scout) or seconds (the open-source agent), always UTC."""
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise FormatError(f"{where}: expected a Unix time, got {raw!r}")
    seconds = raw if raw < _SECONDS_BELOW else raw / 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise FormatError(f"{where}: {raw!r} is not a valid Unix time") from exc


def utc_from_iso(raw: object, where: str, naive_is_utc: bool) -> datetime:
    """ISO 8601 ('2019-08-31T14:22:06.983Z', '2025-09-09 23:22:38.030345') as an aware UTC moment.

    A time without an offset is UTC only where the product documents it so (Plate Recognizer); a
    scan car's file must say its offset, since a guessed hour would move a read across a time window."""
    if not isinstance(raw, str) or not raw.strip():
        raise FormatError(f"{where}: expected an ISO 8601 time, got {_kind(raw)}")
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise FormatError(f"{where}: {raw!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        if not naive_is_utc:
            raise FormatError(f"{where}: {raw!r} has no UTC offset (write e.g. 2026-03-02T08:15:00+01:00)")
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
