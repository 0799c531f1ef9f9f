"""A fit per foreign country that leans on the pooled fit (domain.calibration.CountryCalibration), and the
reader choosing the fit by the country it read."""

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from anpr_recognition.adapters.onnx_reader import OnnxPlateReader, default_calibration
from anpr_recognition.adapters.synthetic.european import european_style, european_text
from anpr_recognition.adapters.synthetic.scenes import Conditions, synthetic_frame
from anpr_recognition.domain.calibration import COUNTRY_PRIOR_WEIGHT, Calibration, CountryCalibration

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"
GRID = [-8 + i * 0.02 for i in range(450)]
Read = tuple[float, bool, str | None]  # raw score, right, the country read


def _right(rng: random.Random, score: float, shift: float) -> bool:
    """The truth of these fakes: a read with that score is right with probability 1 / (1 + e^(-2 s - 6 + shift))."""
    return rng.random() < 1 / (1 + math.exp(-2 * score - 6 + shift))


def _reads(rng: random.Random, count: int, country: str | None, shift: float) -> list[Read]:
    scores = [rng.uniform(-6, 0) for _ in range(count)]
    return [(score, _right(rng, score, shift), country) for score in scores]


def _fit(reads: list[Read]) -> CountryCalibration:
    return CountryCalibration.fit([s for s, _, _ in reads], [r for _, r, _ in reads], [c for _, _, c in reads])


@pytest.fixture(scope="module")
def fitted() -> CountryCalibration:
    rng = random.Random(16)
    # Mostly Dutch and unknown plates, a German share read as well as they are, and a Polish share read
    # systematically worse (the same score right as often as a score 1.0 lower elsewhere).
    reads = _reads(rng, 2500, "NL", 0) + _reads(rng, 300, None, 0) + _reads(rng, 300, "DE", 0)
    return _fit(reads + _reads(rng, 300, "PL", 2.0))


def test_a_country_read_worse_gets_a_lower_confidence_at_the_same_score(fitted: CountryCalibration) -> None:
    for score in (-3.5, -3.0, -2.5, -2.0):
        assert fitted(score, "PL") < fitted(score, "NL") - 0.1
        # and nearer its own truth than the pooled fit is
        truth = 1 / (1 + math.exp(-2 * score - 4))
        assert abs(fitted(score, "PL") - truth) < abs(fitted(score, None) - truth)


def test_a_country_read_as_well_as_the_rest_keeps_about_the_pooled_confidence(fitted: CountryCalibration) -> None:
    for score in (-4.0, -3.0, -2.0, -1.0):
        assert fitted(score, "DE") == pytest.approx(fitted(score, None), abs=0.12)


def test_dutch_unknown_and_unfitted_countries_get_the_pooled_fit(fitted: CountryCalibration) -> None:
    assert set(fitted.countries) == {"DE", "PL"}  # the Dutch and unknown reads are the pooled fit's own
    for score in GRID[::10]:
        pooled = fitted.pooled(score)
        assert fitted(score) == fitted(score, None) == fitted(score, "NL") == fitted(score, "SK") == pooled


def test_every_fit_is_a_probability_that_never_falls_as_the_score_rises(fitted: CountryCalibration) -> None:
    for country in (None, "NL", "DE", "PL"):
        mapped = [fitted(score, country) for score in GRID]
        assert mapped == sorted(mapped), country
        assert all(0.0 <= p <= 1.0 for p in mapped)


def test_a_few_reads_move_a_country_only_part_of_the_way() -> None:
    rng = random.Random(5)
    dutch = _reads(rng, 2000, "NL", 0)
    one_wrong: list[Read] = [(-0.8, False, "LU")]
    three_wrong: list[Read] = [(-1.0, False, "LU"), (-0.8, False, "LU"), (-0.6, False, "LU")]
    after_one, after_three = _fit(dutch + one_wrong), _fit(dutch + three_wrong)
    pooled = after_three.pooled(-0.8)
    assert pooled > 0.8
    # Wrong reads where most are right: doubt that grows with their number, never a certainty of a wrong read.
    assert pooled > after_one(-0.8, "LU") > after_three(-0.8, "LU") > 0.2
    weight = COUNTRY_PRIOR_WEIGHT
    assert after_three(-0.8, "LU") == pytest.approx(weight * pooled / (3 + weight), abs=0.01)


def test_many_wrong_reads_count_as_many_against_the_pooled_fit() -> None:
    rng = random.Random(6)
    wrong: list[Read] = [(-1.0 + i / 100, False, "RO") for i in range(60)]
    calibration = _fit(_reads(rng, 2000, "NL", 0) + wrong)
    assert calibration.pooled(-0.7) > 0.8  # the sixty wrong reads are in the pooled fit too
    assert calibration(-0.7, "RO") < 0.2


def test_below_its_lowest_read_a_country_is_never_surer_than_the_pooled_fit() -> None:
    rng = random.Random(7)
    right_reads: list[Read] = [(-0.5 + i / 100, True, "HR") for i in range(40)]
    calibration = _fit(_reads(rng, 2000, "NL", 0) + right_reads)
    for score in (-6.0, -4.0, -3.0, -2.0):
        assert calibration(score, "HR") <= calibration.pooled(score)


def test_above_its_highest_read_a_country_with_few_reads_follows_the_pooled_rise() -> None:
    rng = random.Random(8)
    one_right: list[Read] = [(-2.0, True, "HU")]
    calibration = _fit(_reads(rng, 2000, "NL", 0) + one_right)
    weight = COUNTRY_PRIOR_WEIGHT
    for score in (-1.0, -0.5, -0.1):
        assert calibration(score, "HU") == pytest.approx(
            (1 + weight * calibration.pooled(score)) / (1 + weight), abs=0.02
        )
    assert calibration(-0.1, "HU") > calibration(-2.0, "HU") + 0.1


def test_a_country_without_reads_gets_no_fit_of_its_own() -> None:
    calibration = CountryCalibration.fit([-2.0, -1.0], [False, True], ["NL", None])
    assert calibration.countries == {}
    assert calibration(-1.5, "DE") == calibration.pooled(-1.5)


def test_the_file_keeps_the_countries_and_the_older_pooled_only_file_still_loads(
    fitted: CountryCalibration, tmp_path: Path
) -> None:
    path = tmp_path / "calibration.json"
    replace(fitted, made="test fit").save(path)
    again = CountryCalibration.load(path)
    assert again.made == "test fit"
    assert set(again.countries) == {"DE", "PL"}
    assert again(-2.5, "PL") == pytest.approx(fitted(-2.5, "PL"))
    # The pooled fit stays at the top level: a reader of the single-fit file still finds it.
    assert Calibration.load(path) == fitted.pooled
    older = tmp_path / "older.json"
    older.write_text(json.dumps({"scores": [-2.0, -1.0], "probabilities": [0.4, 0.9]}))
    loaded = CountryCalibration.load(older)
    assert loaded.countries == {}
    assert loaded(-1.0, "PL") == loaded(-1.0) == 0.9


def test_the_committed_calibration_has_country_fits_that_are_probabilities_rising_with_the_score() -> None:
    calibration = default_calibration()
    assert calibration.pooled.scores, "calibration.json is missing from the package"
    assert calibration.countries, "calibration.json has no per-country fits"
    assert "NL" not in calibration.countries
    for country in calibration.countries:
        mapped = [calibration(score, country) for score in GRID]
        assert mapped == sorted(mapped), country
        assert all(0.0 <= p <= 1.0 for p in mapped)


def test_the_reader_chooses_the_fit_by_the_country_it_read() -> None:
    # Fits no fit would give, so the confidence shows which one the reader took.
    calibration = CountryCalibration(Calibration((0.0,), (0.9,)), {"DE": Calibration((0.0,), (0.3,))})
    reader = OnnxPlateReader.from_installed_packages(calibration=calibration)
    rng = random.Random("DE")
    text, printed = european_text("DE", rng)
    style = replace(european_style("DE", random.Random(1)), two_lines=False)
    jpeg, box = synthetic_frame(printed, style, Conditions(plate_width=220, skew=0.02, blur=0.3, noise=2.0), rng)
    [german] = reader.read_boxes(jpeg, [box])
    assert german is not None
    assert (german.text, german.country) == (text, "DE")
    assert german.confidence == 0.3
    dutch = reader.read((FRAMES / "c12_28.jpg").read_bytes())
    assert [(r.country, r.confidence) for r in dutch] == [("NL", 0.9)]
