"""OpenALPR / Rekor Scout agent posts: `alpr_group` (one vehicle, best plate of several frames) and
`alpr_results` (one frame, one entry per plate in it). Confidence is 0-100, times are Unix epochs.

The agent also posts `heartbeat` and `alpr_alert` to the same address: a heartbeat has no read and an
alert repeats a group already sent, so both map to no read rather than an error the agent would retry."""

from collections.abc import Mapping
from typing import Any

from anpr_ingest.domain.formats.common import (
    FormatError,
    ReadBody,
    Target,
    confidence,
    country_from_region,
    plate_text,
    utc_from_epoch,
)

NO_READS = frozenset({"heartbeat", "alpr_alert"})


def reads_from_openalpr(payload: Mapping[str, Any], target: Target) -> list[ReadBody]:
    # The open-source agent posted plate results without a data_type.
    kind = payload.get("data_type") or ("alpr_results" if "results" in payload else None)
    if kind == "alpr_group":
        return [_group(payload, target)]
    if kind == "alpr_results":
        return _results(payload, target)
    if kind in NO_READS:
        return []
    raise FormatError(f"data_type: expected alpr_group, alpr_results, heartbeat or alpr_alert, got {kind!r}")


def _group(group: Mapping[str, Any], target: Target) -> ReadBody:
    best = group.get("best_plate")
    best = best if isinstance(best, Mapping) else {}
    # best_uuid_epoch_ms is the frame the best plate (and its crop) comes from; v1 groups only have the start.
    moment = group.get("best_uuid_epoch_ms") or group.get("epoch_start")
    read: ReadBody = {
        "source": target.source.value,
        **target.place(group.get("camera_id"), _scope(group)),
        "observed_at": utc_from_epoch(moment, "epoch_start").isoformat(),
        "plate": plate_text(group.get("best_plate_number") or best.get("plate"), "best_plate_number"),
        "confidence": confidence(_first(group.get("best_confidence"), best.get("confidence")), 100, "best_confidence"),
    }
    country = _country(group.get("country"), group.get("best_region") or best.get("region"))
    if country:
        read["country"] = country
    _evidence(read, plate=best.get("plate_crop_jpeg"), overview=group.get("vehicle_crop_jpeg"))
    return read


def _results(frame: Mapping[str, Any], target: Target) -> list[ReadBody]:
    results = frame.get("results")
    if not isinstance(results, list):
        raise FormatError("results: expected a list of plates")
    moment = utc_from_epoch(frame.get("epoch_time"), "epoch_time").isoformat()
    place = target.place(frame.get("camera_id"), _scope(frame))
    reads: list[ReadBody] = []
    for n, result in enumerate(results):
        if not isinstance(result, Mapping):
            raise FormatError(f"results[{n}]: expected an object")
        read: ReadBody = {
            "source": target.source.value,
            **place,
            "observed_at": moment,
            "plate": plate_text(result.get("plate"), f"results[{n}].plate"),
            "confidence": confidence(result.get("confidence"), 100, f"results[{n}].confidence"),
        }
        country = _country(frame.get("country"), result.get("region"))
        if country:
            read["country"] = country
        _evidence(read, plate=result.get("plate_crop_jpeg"), overview=None)
        reads.append(read)
    return reads


def _country(country: object, region: object) -> str | None:
    """'us-mo' -> US, 'eu-at' -> AT (Europe is a pattern set, the suffix is the country), a bare region
    is a state or province in US mode ('mo' is Missouri, not Macau), so it needs the country field."""
    if isinstance(region, str) and "-" in region:
        prefix, _, suffix = region.lower().partition("-")
        return country_from_region(suffix if prefix == "eu" else prefix)
    return country_from_region(country) if isinstance(country, str) and len(country.strip()) == 2 else None


def _scope(payload: Mapping[str, Any]) -> str | None:
    scope = payload.get("agent_uid") or payload.get("site_id")
    return str(scope) if scope else None


def _first(*values: object) -> object:
    return next((v for v in values if v is not None), None)


def _evidence(read: ReadBody, plate: object, overview: object) -> None:
    # Base64 JPEG as sent; ReadIn decodes and refuses anything that is not base64.
    if isinstance(plate, str) and plate:
        read["plate_jpeg"] = plate
    if isinstance(overview, str) and overview:
        read["overview_jpeg"] = overview
