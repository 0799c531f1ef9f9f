import json
import warnings
from pathlib import Path

import pytest

from anpr_bench.eu_set import european_set
from anpr_bench.evaluation import Score, calibration_table, expected_calibration_error, labelled_directory
from anpr_recognition import EUROPEAN_COUNTRIES, PlateReading

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"


def _reading(text: str, confidence: float = 0.9) -> PlateReading:
    return PlateReading(text, text, None, confidence, (0, 0, 10, 5))


def test_labels_match_readings_by_text_whatever_the_order() -> None:
    score = Score()
    score.add(["89NVJP", "24LSB1"], [_reading("24LSB1"), _reading("89NVJP")])
    score.add(["98JJGB"], [_reading("9891GB", 0.6), _reading("XXXX", 0.3)])
    assert (score.plates, score.exact, score.false_reads) == (3, 2, 1)
    assert score.character_accuracy == (12 + 4) / 18
    assert sorted(score.reads) == [(0.3, False), (0.6, False), (0.9, True), (0.9, True)]


def test_a_missed_plate_counts_against_both_accuracies() -> None:
    score = Score()
    score.add(["72VGX6"], [])
    assert (score.accuracy, score.character_accuracy) == (0.0, 0.0)


def test_calibration_table_buckets_every_read_once() -> None:
    table = calibration_table([(0.2, False), (0.85, True), (0.97, True), (1.0, True), (0.97, False)])
    assert sum(b.reads for b in table) == 5
    top = next(b for b in table if b.low == 0.95)
    assert (top.reads, top.accuracy) == (2, 0.5)


def test_the_calibration_error_weighs_each_bucket_gap_by_its_reads() -> None:
    honest = [(0.92, True)] * 9 + [(0.92, False)]  # 90 % right at 0.92: 0.02 off
    assert expected_calibration_error(honest) == pytest.approx(0.02)
    table = calibration_table(honest)
    assert next(b for b in table if b.reads).mean_confidence == pytest.approx(0.92)
    # Two sure wrong reads (0.99 off) and two doubted wrong ones (0.2 off).
    overconfident = [(0.99, False), (0.99, False), (0.2, False), (0.2, False)]
    assert expected_calibration_error(overconfident) == pytest.approx((2 * 0.99 + 2 * 0.2) / 4)
    assert expected_calibration_error([]) is None


def test_labelled_directory_reads_labels_csv() -> None:
    frames = labelled_directory(FRAMES)
    assert len(frames) == len(list(FRAMES.glob("*.jpg")))
    assert {len(f.plates) for f in frames} == {1, 2}


def test_bench_prints_its_figures_and_one_json_object_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():  # typer's import touches a click API deprecated in click 8.3
        warnings.simplefilter("ignore", DeprecationWarning)
        from anpr_bench.recognition import bench_recognition

    data = tmp_path / "frames"
    data.mkdir()
    (data / "labels.csv").write_text("image,x0,y0,x1,y1,plate,as_printed\nc12_28.jpg,381,324,610,373,72TBZ9,72-TBZ-9\n")
    (data / "c12_28.jpg").write_bytes((FRAMES / "c12_28.jpg").read_bytes())

    bench_recognition(data=data, synthetic=2, eu_per_country=1, eu_cache=tmp_path / "cache", as_json=True)

    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("dev_accuracy", "dev_fps", "baseline_accuracy", "baseline_fps", "synthetic_accuracy", "calibration"):
        assert key in figures
    assert figures["dev_plates"] == 1
    assert (figures["eu_plates"], 0 <= figures["eu_accuracy"] <= 1) == (len(EUROPEAN_COUNTRIES), True)
    assert set(figures["per_country"]) == set(EUROPEAN_COUNTRIES)
    assert all(country["plates"] == 1 for country in figures["per_country"].values())
    # Calibration error per set and per country, beside the tables it is computed from.
    for key in ("dev_ece", "synthetic_ece", "eu_ece"):
        assert figures[key] is None or 0 <= figures[key] <= 1
    assert all("ece" in country for country in figures["per_country"].values())
    assert all("mean_confidence" in bucket for bucket in figures["calibration"]["eu"])


def test_o_and_0_count_as_one_only_in_their_own_figure_and_the_country_is_checked() -> None:
    score = Score()
    reading = PlateReading("AB0123", "AB0123", "DE", 0.9, (0, 0, 10, 5))
    score.add(["ABO123"], [reading], ["DE"])
    score.add(["XY123"], [PlateReading("XY123", "XY123", "PL", 0.9, (0, 0, 10, 5))], ["CZ"])
    assert (score.exact, score.exact_o_as_0, score.country_named) == (1, 2, 1)


def test_the_european_set_is_built_once_the_same_every_time(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "labels.csv").write_text("image,x0,y0,x1,y1,plate,as_printed\nc12_28.jpg,381,324,610,373,72TBZ9,x\n")
    (dev / "c12_28.jpg").write_bytes((FRAMES / "c12_28.jpg").read_bytes())
    first = european_set(dev, 1, seed=5, cache=tmp_path / "a")
    second = european_set(dev, 1, seed=5, cache=tmp_path / "b")
    frames = labelled_directory(first)
    assert [f.countries for f in frames] == [(c,) for c in sorted(EUROPEAN_COUNTRIES)]
    assert [f.jpeg for f in frames] == [f.jpeg for f in labelled_directory(second)]
    assert (first / "labels.csv").read_text() == (second / "labels.csv").read_text()
    assert european_set(dev, 1, seed=6, cache=tmp_path / "a") != first
