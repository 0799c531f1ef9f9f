"""Rows of a shift upload (tests/samples/batch) mapped onto reads; every bad row is refused, saying why."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from anpr_contracts import ReadSource
from anpr_ingest.domain.formats import FormatError, RowDefaults, check_columns, read_from_row
from anpr_ingest.domain.formats.batch_file import position
from anpr_ingest.entrypoints.schemas import ReadIn

from .samples import SAMPLES

BATCH = SAMPLES / "batch"
SCAN_CAR = RowDefaults(ReadSource.SCAN_CAR, location_id="loc-parking-centrum")
ROW = {"plate": "72-vgx-6", "observed_at": "2026-03-02T08:15:00+01:00", "confidence": "0.97"}


def load(path: str) -> bytes:
    return (BATCH / path).read_bytes()


def test_csv_sample_rows_are_reads_with_evidence() -> None:
    with (BATCH / "scan_car_shift.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    check_columns(rows[0].keys())

    reads = [read_from_row(row, SCAN_CAR, load) for row in rows]

    assert [(r["plate"], r["observed_at"], r.get("country")) for r in reads] == [
        ("72VGX6", "2026-03-02T07:15:00+00:00", "NL"),
        ("ZDPB67", "2026-03-02T07:16:30+00:00", "NL"),
        ("BAB1234", "2026-03-02T07:17:05+00:00", "DE"),
    ]
    assert {r["source"] for r in reads} == {"scan_car"}
    assert {r["location_id"] for r in reads} == {"loc-parking-centrum"}
    assert ReadIn.model_validate(reads[0]).overview_jpeg == load("evidence/0001.jpg")
    assert "overview_jpeg" not in reads[2]


def test_jsonl_sample_rows_take_numbers_and_text() -> None:
    lines = (BATCH / "scan_car_shift.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]

    reads = [read_from_row(row, RowDefaults(ReadSource.SCAN_CAR, camera_id="scan-car-1"), load) for row in rows]

    assert [r["confidence"] for r in reads] == [0.97, 0.91, 0.88]
    assert ReadIn.model_validate(reads[1]).plate_jpeg == load("evidence/0002.jpg")
    assert {r["camera_id"] for r in reads} == {"scan-car-1"}


def test_row_camera_or_location_overrides_the_defaults() -> None:
    assert read_from_row({**ROW, "camera_id": "cam-2"}, SCAN_CAR, load)["camera_id"] == "cam-2"
    assert read_from_row({**ROW, "location_id": "loc-2"}, SCAN_CAR, load)["location_id"] == "loc-2"


def test_position_is_checked_but_not_part_of_the_read() -> None:
    row = {**ROW, "latitude": "52.3812", "longitude": "4.6366"}

    read = read_from_row(row, SCAN_CAR, load)

    assert position(row) == (52.3812, 4.6366)
    assert "latitude" not in read
    assert position(ROW) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"observed_at": "2026-03-02T08:15:00"}, "no UTC offset"),
        ({"observed_at": "02-03-2026 08:15"}, "observed_at"),
        ({"confidence": "97"}, "outside 0-1"),
        ({"confidence": "high"}, "not a number"),
        ({"confidence": ""}, "confidence: missing or empty"),
        ({"plate": "--"}, "plate"),
        ({"country": "NLD"}, "alpha-2"),
        ({"latitude": "52.38"}, "latitude without longitude"),
        ({"latitude": "152.38", "longitude": "4.6"}, "not a position"),
        ({"image": "evidence/missing.jpg"}, "cannot read evidence/missing.jpg"),
        ({"image": "scan_car_shift.csv"}, "not a JPEG"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_bad_row_is_refused_saying_why(change: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_from_row({**ROW, **change}, SCAN_CAR, load)


def test_row_without_camera_or_location_is_refused() -> None:
    with pytest.raises(FormatError, match="--camera or --location"):
        read_from_row(ROW, RowDefaults(ReadSource.SCAN_CAR), load)


def test_header_with_a_missing_or_unknown_column_is_refused() -> None:
    check_columns(["plate", "observed_at", "confidence", "image"])
    with pytest.raises(FormatError, match="missing column confidence; unknown column 'kenteken'"):
        check_columns(["plate", "observed_at", "kenteken"])


def test_image_larger_than_a_read_takes_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + bytes(4 * 1024 * 1024))

    with pytest.raises(FormatError, match="limit"):
        read_from_row({**ROW, "image": str(big)}, SCAN_CAR, lambda p: Path(p).read_bytes())
