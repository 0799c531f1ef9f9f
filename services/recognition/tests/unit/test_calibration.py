import random

import pytest

from anpr_recognition.adapters.onnx_reader import default_calibration
from anpr_recognition.domain.calibration import Calibration, raw_score


def test_isotonic_fit_is_monotonic_and_follows_the_outcomes() -> None:
    rng = random.Random(3)
    scores = [rng.uniform(-6, 0) for _ in range(2000)]
    # The truth: a read with score s is right with probability 1 / (1 + e^(-2 s - 6)).
    correct = [rng.random() < 1 / (1 + 2.718281828 ** (-2 * s - 6)) for s in scores]
    calibration = Calibration.fit(scores, correct)
    grid = [-7 + i * 0.05 for i in range(160)]
    mapped = [calibration(s) for s in grid]
    assert mapped == sorted(mapped)
    assert calibration(-0.1) > 0.9
    assert calibration(-5.9) < 0.1
    assert calibration(-3.0) == pytest.approx(0.5, abs=0.15)


def test_a_few_right_reads_do_not_make_a_certainty() -> None:
    calibration = Calibration.fit([-1.0, -0.5, -0.2], [True, True, True], prior_weight=1.0)
    assert calibration(0.0) == pytest.approx(3.5 / 4)


def test_the_committed_calibration_is_monotonic_and_a_probability() -> None:
    calibration = default_calibration().pooled
    assert calibration.scores, "calibration.json is missing from the package"
    mapped = [calibration(-10 + i * 0.01) for i in range(1100)]
    assert mapped == sorted(mapped)
    assert all(0.0 <= p <= 1.0 for p in mapped)


def test_raw_score_rises_with_every_piece_of_evidence() -> None:
    assert raw_score(0.9, 0.8, 0.0, True, True) > raw_score(0.6, 0.8, 0.0, True, True)
    assert raw_score(0.9, 0.8, 0.0, True, True) > raw_score(0.9, 0.4, 0.0, True, True)
    assert raw_score(0.9, 0.8, 0.0, True, True) > raw_score(0.9, 0.8, 2.0, True, True)


def test_a_reading_no_grammar_checked_is_less_sure_and_least_on_a_yellow_plate() -> None:
    dutch = raw_score(0.9, 0.8, 0.0, True, True)
    foreign = raw_score(0.9, 0.8, 0.0, False, False)
    assert dutch > foreign > raw_score(0.9, 0.8, 0.0, False, True)


def test_calibration_survives_a_round_trip(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "c.json"
    original = Calibration((-2.0, -1.0), (0.4, 0.9))
    original.save(path)
    assert Calibration.load(path) == original
