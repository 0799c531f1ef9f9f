"""Plate Recognizer Snapshot (`image.done`) and Stream (`recognition`) webhooks: `{"hook": {...}, "data":
{"camera_id", "timestamp", "results": [...]}}`, one result per plate in the image, scores 0-1.

Plate Recognizer documents its timestamps as UTC, also the ones written without an offset."""

from collections.abc import Mapping
from typing import Any

from anpr_ingest.domain.formats.common import (
    FormatError,
    ReadBody,
    Target,
    confidence,
    country_from_region,
    plate_text,
    utc_from_iso,
)


def reads_from_platerecognizer(payload: Mapping[str, Any], target: Target, image: str | None = None) -> list[ReadBody]:
    """`image`: the base64 JPEG of a "webhook with image", evidence for every read of that image."""
    data = payload.get("data") if "hook" in payload else payload
    if not isinstance(data, Mapping):
        raise FormatError("data: expected an object with the recognition results")
    results = data.get("results")
    if not isinstance(results, list):
        raise FormatError("data.results: expected a list of plates")
    if not results:
        return []  # Snapshot sends a hook for every image, also one without a plate
    moment = utc_from_iso(data.get("timestamp"), "data.timestamp", naive_is_utc=True).isoformat()
    place = target.place(data.get("camera_id"))
    reads = []
    for n, result in enumerate(results):
        if not isinstance(result, Mapping):
            raise FormatError(f"data.results[{n}]: expected an object")
        text, score, region = _plate(result, f"data.results[{n}]")
        if text is None:
            continue  # detection_mode=vehicle: a vehicle without a readable plate is not a read
        read: ReadBody = {
            "source": target.source.value,
            **place,
            "observed_at": moment,
            "plate": plate_text(text, f"data.results[{n}].plate"),
            "confidence": confidence(score, 1, f"data.results[{n}].score"),
        }
        country = country_from_region(region)
        if country:
            read["country"] = country
        if image:
            read["overview_jpeg"] = image
        reads.append(read)
    return reads


def _plate(result: Mapping[str, Any], where: str) -> tuple[object, object, object]:
    """(text, score, region code) from a plate result, or from the nested shape of detection_mode=vehicle."""
    plate = result.get("plate")
    if isinstance(plate, Mapping):
        props = plate.get("props")
        props = props if isinstance(props, Mapping) else {}
        texts, regions = props.get("plate") or [], props.get("region") or []
        if not texts:
            return None, None, None
        best, region = texts[0], regions[0] if regions else {}
        if not isinstance(best, Mapping) or not isinstance(region, Mapping):
            raise FormatError(f"{where}.plate.props: expected lists of {{value, score}}")
        return best.get("value"), best.get("score"), region.get("value")
    if plate is None:
        raise FormatError(f"{where}.plate: missing")
    region = result.get("region")
    return plate, result.get("score"), region.get("code") if isinstance(region, Mapping) else None
