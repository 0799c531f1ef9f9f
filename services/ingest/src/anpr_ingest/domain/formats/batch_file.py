"""A shift upload (scan car, bollard log): one read per CSV row or JSON line, in these columns.

plate          required  as read; upper-cased, anything but A-Z and 0-9 dropped (72-vgx-6 -> 72VGX6)
observed_at    required  ISO 8601 with a UTC offset: 2026-03-02T08:15:00+01:00 (no offset: refused)
confidence     required  0-1
country        optional  ISO 3166 alpha-2 (NL, DE, BE...); empty = unknown
latitude       optional  with longitude, WGS84 degrees; checked, but not sent: a read is placed by
longitude      optional    its camera or location, and the read contract has no position
image          optional  path of the overview JPEG (relative to the file), sent as evidence
plate_image    optional  path of the plate close-up JPEG
camera_id      optional  overrides --camera for this row
location_id    optional  overrides --location for this row
"""

import base64
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from anpr_contracts import ReadSource
from anpr_ingest.domain.formats.bodies import JPEG_MAGIC
from anpr_ingest.domain.formats.common import FormatError, ReadBody, confidence, plate_text, utc_from_iso

REQUIRED = ("plate", "observed_at", "confidence")
OPTIONAL = ("country", "latitude", "longitude", "image", "plate_image", "camera_id", "location_id")
COLUMNS = REQUIRED + OPTIONAL
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # what ReadIn takes per image

_COUNTRY = re.compile(r"^[A-Z]{2}$")

ImageLoader = Callable[[str], bytes]


@dataclass(frozen=True)
class RowDefaults:
    source: ReadSource
    camera_id: str | None = None
    location_id: str | None = None


def check_columns(names: Iterable[str]) -> None:
    """Refuse a header with a column missing or unknown: a misspelt column would silently lose its values."""
    given = [name.strip() for name in names]
    missing = [name for name in REQUIRED if name not in given]
    unknown = [name for name in given if name not in COLUMNS]
    problems = [f"missing column {name}" for name in missing] + [f"unknown column {name!r}" for name in unknown]
    if problems:
        raise FormatError(f"{'; '.join(problems)} (columns: {', '.join(COLUMNS)})")


def read_from_row(row: Mapping[str, object], defaults: RowDefaults, load_image: ImageLoader) -> ReadBody:
    if unknown := sorted(key for key in row if key.strip() not in COLUMNS):
        raise FormatError(f"unknown field {', '.join(map(repr, unknown))} (fields: {', '.join(COLUMNS)})")
    values = {key.strip(): value for key, value in row.items() if not _blank(value)}
    if missing := [name for name in REQUIRED if name not in values]:
        raise FormatError(f"{', '.join(missing)}: missing or empty")
    read: ReadBody = {
        "source": defaults.source.value,
        **_place(values, defaults),
        "observed_at": utc_from_iso(values["observed_at"], "observed_at", naive_is_utc=False).isoformat(),
        "plate": plate_text(_text(values["plate"]), "plate"),
        "confidence": confidence(_number(values["confidence"], "confidence"), 1),
    }
    if "country" in values:
        read["country"] = _country(values["country"])
    position(values)
    if "image" in values:
        read["overview_jpeg"] = _image(values["image"], "image", load_image)
    if "plate_image" in values:
        read["plate_jpeg"] = _image(values["plate_image"], "plate_image", load_image)
    return read


def position(values: Mapping[str, object]) -> tuple[float, float] | None:
    """(latitude, longitude) when the row has them, checked for range."""
    given = [name for name in ("latitude", "longitude") if not _blank(values.get(name))]
    if not given:
        return None
    if len(given) == 1:
        raise FormatError(f"{given[0]} without {'longitude' if given[0] == 'latitude' else 'latitude'}")
    latitude, longitude = _number(values["latitude"], "latitude"), _number(values["longitude"], "longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise FormatError(f"latitude/longitude: {latitude}, {longitude} is not a position on earth")
    return latitude, longitude


def _place(values: Mapping[str, object], defaults: RowDefaults) -> ReadBody:
    if "camera_id" in values:
        return {"camera_id": _text(values["camera_id"]).strip()}
    if "location_id" in values:
        return {"location_id": _text(values["location_id"]).strip()}
    if defaults.camera_id:
        return {"camera_id": defaults.camera_id}
    if defaults.location_id:
        return {"location_id": defaults.location_id}
    raise FormatError("no camera or location: give --camera or --location, or a camera_id/location_id column")


def _country(raw: object) -> str:
    code = _text(raw).strip().upper()
    code = "GB" if code == "UK" else code
    if not _COUNTRY.match(code):
        raise FormatError(f"country: {raw!r} is not an ISO 3166 alpha-2 code such as NL")
    return code


def _image(raw: object, where: str, load_image: ImageLoader) -> str:
    path = _text(raw).strip()
    try:
        data = load_image(path)
    except OSError as exc:
        raise FormatError(f"{where}: cannot read {path}: {exc.strerror or exc}") from exc
    if not data.startswith(JPEG_MAGIC):
        raise FormatError(f"{where}: {path} is not a JPEG")
    if len(data) > MAX_IMAGE_BYTES:
        raise FormatError(f"{where}: {path} is {len(data):,} bytes, the limit is {MAX_IMAGE_BYTES:,}")
    return base64.b64encode(data).decode()


def _number(raw: object, where: str) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    try:
        return float(_text(raw).strip())
    except (FormatError, ValueError) as exc:
        raise FormatError(f"{where}: {raw!r} is not a number") from exc


def _text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    raise FormatError(f"expected text, got {type(raw).__name__}")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
