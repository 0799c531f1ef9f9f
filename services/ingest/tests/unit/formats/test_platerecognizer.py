"""Plate Recognizer webhooks, on the examples of its documentation (tests/samples/platerecognizer)."""

import base64
from typing import Any

import pytest

from anpr_ingest.domain.formats import CameraMap, FormatError, Target, reads_from_platerecognizer
from anpr_ingest.entrypoints.schemas import ReadIn

from .samples import sample

AT_LOCATION = Target(location_id="loc-scan-area")


def test_snapshot_webhook_is_one_read_per_plate_placed_at_the_given_location() -> None:
    reads = reads_from_platerecognizer(sample("platerecognizer/snapshot_webhook_sdk_docs.json"), AT_LOCATION)

    assert reads == [
        {
            "source": "fixed_anpr",
            "location_id": "loc-scan-area",
            "observed_at": "2019-08-31T14:22:06.983000+00:00",
            "plate": "765410",
            "confidence": pytest.approx(0.913153),
        },
        {
            "source": "fixed_anpr",
            "location_id": "loc-scan-area",
            "observed_at": "2019-08-31T14:22:06.983000+00:00",
            "plate": "830265",
            "confidence": pytest.approx(0.770064),
        },
    ]
    for read in reads:
        ReadIn.model_validate(read)


def test_snapshot_timestamp_without_offset_is_utc_and_region_gives_the_country() -> None:
    [read] = reads_from_platerecognizer(sample("platerecognizer/snapshot_webhook_guides.json"), AT_LOCATION)

    assert (read["plate"], read["country"], read["confidence"]) == ("FM046SC", "FR", 0.999)
    assert read["observed_at"] == "2025-09-09T23:22:38.030345+00:00"


def test_snapshot_without_camera_or_location_is_refused() -> None:
    with pytest.raises(FormatError, match="location_id"):
        reads_from_platerecognizer(sample("platerecognizer/snapshot_webhook_guides.json"), Target())


def test_stream_webhook_read_is_at_its_camera() -> None:
    target = Target(location_id="loc-ignored", cameras=CameraMap("pr-"))

    [read] = reads_from_platerecognizer(sample("platerecognizer/stream_webhook_recognition.json"), target)

    assert read == {
        "source": "fixed_anpr",
        "camera_id": "pr-camera-1",
        "observed_at": "2021-09-29T05:56:13.606935+00:00",
        "plate": "9JUB11",
        "confidence": 0.839,
        "country": "GB",
    }


def test_vehicle_detection_mode_reads_the_nested_plate() -> None:
    [read] = reads_from_platerecognizer(sample("platerecognizer/snapshot_vehicle_mode_response.json"), Target())

    assert (read["camera_id"], read["plate"], read["country"]) == ("my-camera", "NHK552", "GB")
    assert read["confidence"] == 0.838


def test_vehicle_without_a_plate_is_no_read() -> None:
    payload = sample("platerecognizer/snapshot_vehicle_mode_response.json")
    payload["results"][0]["plate"]["props"]["plate"] = []

    assert reads_from_platerecognizer(payload, Target()) == []


def test_image_of_a_webhook_with_image_is_the_evidence_of_each_read() -> None:
    image = base64.b64encode(b"\xff\xd8\xff\xe0 a jpeg").decode()

    reads = reads_from_platerecognizer(sample("platerecognizer/snapshot_webhook_sdk_docs.json"), AT_LOCATION, image)

    assert [r["overview_jpeg"] for r in reads] == [image, image]


def test_image_without_plates_gives_no_read() -> None:
    payload = {"hook": {"event": "image.done"}, "data": {"timestamp": "2019-08-31T14:22:06Z", "results": []}}

    assert reads_from_platerecognizer(payload, Target()) == []


def stream(**result: Any) -> dict[str, Any]:
    payload = sample("platerecognizer/stream_webhook_recognition.json")
    payload["data"]["results"][0] |= result
    return payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"hook": {}, "data": None}, "data"),
        ({"hook": {}, "data": {"results": {}}}, "data.results"),
        (stream(score=1.5), r"results\[0\]\.score"),
        (stream(plate="--"), r"results\[0\]\.plate"),
        (stream(plate=None), r"results\[0\]\.plate: missing"),
        ({"hook": {}, "data": {"timestamp": "today", "camera_id": "c", "results": [{"plate": "ab1"}]}}, "timestamp"),
    ],
)
def test_bad_payload_is_refused_naming_the_field(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        reads_from_platerecognizer(payload, Target())
