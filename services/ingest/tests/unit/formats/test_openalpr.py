"""OpenALPR / Rekor Scout posts, on the examples of the OpenALPR documentation (tests/samples/openalpr)."""

import base64
from typing import Any

import pytest
from pydantic import ValidationError

from anpr_contracts import ReadSource
from anpr_ingest.domain.formats import CameraMap, FormatError, Target, reads_from_openalpr
from anpr_ingest.entrypoints.schemas import ReadIn

from .samples import sample

JPEG_B64 = base64.b64encode(b"\xff\xd8\xff\xe0 a jpeg").decode()


def group(**changes: Any) -> dict[str, Any]:
    return {**sample("openalpr/alpr_group_v1.json"), **changes}


def test_group_v1_is_one_read_of_its_best_plate() -> None:
    [read] = reads_from_openalpr(group(), Target())

    assert read == {
        "source": "fixed_anpr",
        "camera_id": "1414799424",
        "observed_at": "2015-11-24T00:50:08.789000+00:00",
        "plate": "A13709",
        "confidence": pytest.approx(0.92075203),
    }
    assert ReadIn.model_validate(read).observed_at.utcoffset() is not None


def test_group_v1_region_without_country_is_a_us_state_so_the_country_stays_unknown() -> None:
    # best_plate.region "mo" is Missouri in US mode, not Macau.
    [read] = reads_from_openalpr(group(), Target())

    assert "country" not in read


def test_group_v2_fields_give_country_best_frame_moment_and_evidence() -> None:
    # The fields Rekor Scout's version 2 groups add (docs.rekor.ai, JSON Group Results).
    v2 = group(
        version=2,
        country="us",
        best_region="us-mo",
        agent_uid="YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY",
        best_uuid_epoch_ms=1448326209648,
        vehicle_crop_jpeg=JPEG_B64,
    )

    [read] = reads_from_openalpr(v2, Target(ReadSource.BOLLARD))

    assert read["country"] == "US"
    assert read["observed_at"] == "2015-11-24T00:50:09.648000+00:00"
    assert read["overview_jpeg"] == JPEG_B64
    assert read["source"] == "bollard"
    assert ReadIn.model_validate(read).overview_jpeg == b"\xff\xd8\xff\xe0 a jpeg"


@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [("eu", "eu-nl", "NL"), ("eu", "eu-at", "AT"), (None, "mx-nle", "MX"), ("nl", "", "NL"), ("eu", "", None)],
)
def test_group_country_from_country_field_or_region(country: str | None, region: str, expected: str | None) -> None:
    [read] = reads_from_openalpr(group(country=country, best_region=region), Target())

    assert read.get("country") == expected


def test_group_camera_id_is_mapped_per_agent() -> None:
    cameras = CameraMap("scout-", {"dimitar-video/1414799424": "cam-centrum-1"})

    [mapped] = reads_from_openalpr(group(), Target(cameras=cameras))
    [prefixed] = reads_from_openalpr(group(site_id="elsewhere"), Target(cameras=cameras))

    assert mapped["camera_id"] == "cam-centrum-1"
    assert prefixed["camera_id"] == "scout-1414799424"


def test_results_v1_is_one_read_per_plate_of_the_frame_at_its_time_in_seconds() -> None:
    reads = reads_from_openalpr(sample("openalpr/alpr_results_v1.json"), Target())

    assert [r["plate"] for r in reads] == ["S11FRE", "EJLESSIE"]
    assert [r["confidence"] for r in reads] == pytest.approx([0.77130661, 0.78167984])
    assert {r["observed_at"] for r in reads} == {"2014-06-07T17:10:50+00:00"}
    assert {r["camera_id"] for r in reads} == {"1"}
    assert all("country" not in r for r in reads)
    ReadIn.model_validate(reads[0])
    # EJLESSIE, a vanity plate of letters only, needs a country that issues those (the payload names none).
    with pytest.raises(ValidationError, match="letters only"):
        ReadIn.model_validate(reads[1])


def test_results_carry_region_country_and_plate_crop() -> None:
    frame = sample("openalpr/alpr_results_v1.json")
    frame["data_type"] = "alpr_results"
    frame["epoch_time"] = 1583506775198  # milliseconds, as Rekor Scout sends
    frame["results"][0] |= {"region": "eu-at", "plate_crop_jpeg": JPEG_B64}

    first, _ = reads_from_openalpr(frame, Target())

    assert (first["country"], first["plate_jpeg"]) == ("AT", JPEG_B64)
    assert first["observed_at"] == "2020-03-06T14:59:35.198000+00:00"


@pytest.mark.parametrize("kind", ["heartbeat", "alpr_alert"])
def test_heartbeat_and_alert_give_no_read(kind: str) -> None:
    assert reads_from_openalpr({"data_type": kind, "version": 1}, Target()) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"data_type": "vehicle"}, "data_type"),
        ({}, "data_type"),
        (group(best_confidence=150), "best_confidence"),
        (group(best_plate_number="", best_plate={}), "best_plate_number"),
        (group(epoch_start=None), "epoch_start"),
        (group(camera_id=None), "no camera"),
        ({"data_type": "alpr_results", "epoch_time": 1402161050, "camera_id": 1, "results": "S11FRE"}, "results"),
        ({"data_type": "alpr_results", "epoch_time": 1402161050, "camera_id": 1, "results": [7]}, r"results\[0\]"),
    ],
)
def test_bad_payload_is_refused_naming_the_field(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        reads_from_openalpr(payload, Target())
