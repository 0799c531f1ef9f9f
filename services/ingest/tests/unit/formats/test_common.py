from datetime import UTC, datetime

import pytest

from anpr_ingest.domain.formats.common import (
    CameraMap,
    FormatError,
    Target,
    confidence,
    country_from_region,
    plate_text,
    utc_from_epoch,
    utc_from_iso,
)


@pytest.mark.parametrize(
    ("raw", "text"), [("nhk552", "NHK552"), ("72-vgx-6", "72VGX6"), (" B AB 1234 ", "BAB1234"), ("zd·pb.67", "ZDPB67")]
)
def test_plate_is_upper_case_letters_and_digits_only(raw: str, text: str) -> None:
    assert plate_text(raw) == text


@pytest.mark.parametrize("raw", ["", " - ", None, 123, "A" * 17])
def test_plate_without_letters_or_digits_or_too_long_is_refused(raw: object) -> None:
    with pytest.raises(FormatError, match="plate"):
        plate_text(raw)


def test_confidence_is_scaled_to_a_probability() -> None:
    assert confidence(92.075203, 100) == pytest.approx(0.92075203)
    assert confidence(0.904, 1) == 0.904
    assert confidence(0, 100) == 0.0


@pytest.mark.parametrize(("raw", "scale"), [(100.5, 100), (-1, 100), (1.2, 1), ("0.9", 1), (None, 1), (True, 1)])
def test_confidence_outside_its_scale_or_not_a_number_is_refused(raw: object, scale: float) -> None:
    with pytest.raises(FormatError, match="confidence"):
        confidence(raw, scale)


@pytest.mark.parametrize(
    ("region", "country"),
    [("nl", "NL"), ("gb", "GB"), ("us-ca", "US"), ("GB", "GB"), ("br_sc", "BR"), ("uk", "GB"), ("de-by", "DE")],
)
def test_country_is_the_iso_code_of_the_region(region: str, country: str) -> None:
    assert country_from_region(region) == country


@pytest.mark.parametrize("region", ["", "eu", None, 7, "nld", "1a"])
def test_region_that_names_no_country_gives_unknown(region: object) -> None:
    assert country_from_region(region) is None


def test_epoch_in_milliseconds_or_seconds_is_a_utc_moment() -> None:
    assert utc_from_epoch(1448326208789, "t") == datetime(2015, 11, 24, 0, 50, 8, 789000, tzinfo=UTC)
    assert utc_from_epoch(1402161050, "t") == datetime(2014, 6, 7, 17, 10, 50, tzinfo=UTC)


@pytest.mark.parametrize("raw", [None, "1448326208789", -5, 0, True, 10**20])
def test_epoch_that_is_no_time_is_refused(raw: object) -> None:
    with pytest.raises(FormatError, match="epoch"):
        utc_from_epoch(raw, "epoch")


def test_iso_times_become_aware_utc() -> None:
    expected = datetime(2019, 8, 31, 14, 22, 6, 983000, tzinfo=UTC)
    assert utc_from_iso("2019-08-31T14:22:06.983Z", "t", naive_is_utc=False) == expected
    assert utc_from_iso("2019-08-31T16:22:06.983+02:00", "t", naive_is_utc=False) == expected
    assert utc_from_iso("2019-08-31 14:22:06.983", "t", naive_is_utc=True) == expected
    assert utc_from_iso("2019-08-31T16:22:06.983+02:00", "t", naive_is_utc=False).tzinfo is UTC


def test_time_without_offset_is_refused_where_utc_is_not_documented() -> None:
    with pytest.raises(FormatError, match="no UTC offset"):
        utc_from_iso("2026-03-02T08:15:00", "observed_at", naive_is_utc=False)


@pytest.mark.parametrize("raw", ["", "yesterday", None, 1234])
def test_text_that_is_no_iso_time_is_refused(raw: object) -> None:
    with pytest.raises(FormatError, match="observed_at"):
        utc_from_iso(raw, "observed_at", naive_is_utc=True)


def test_camera_map_prefers_a_scoped_then_a_plain_mapping_then_the_prefix() -> None:
    cameras = CameraMap("gw-", {"agent-a/1": "cam-north", "1": "cam-one"})

    assert cameras.ours("1", "agent-a") == "cam-north"
    assert cameras.ours("1", "agent-b") == "cam-one"
    assert cameras.ours("2", "agent-a") == "gw-2"
    assert CameraMap().ours("camera-1") == "camera-1"


def test_target_places_a_read_at_its_camera_or_else_the_given_location() -> None:
    assert Target(location_id="loc-a").place("cam-1") == {"camera_id": "cam-1"}
    assert Target(location_id="loc-a").place(None) == {"location_id": "loc-a"}
    assert Target(location_id="loc-a").place("  ") == {"location_id": "loc-a"}
    with pytest.raises(FormatError, match="location_id"):
        Target().place(None)
