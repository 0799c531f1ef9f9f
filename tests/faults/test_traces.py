"""The no-hit trace detector of the fault suite finds a plate in clear, formatted or as its keyed hash,
and not by coincidence inside a longer word."""

import csv
from datetime import UTC, datetime
from pathlib import Path

from anpr_bench.faults.plan import FRAME_CANDIDATES, KINDS, make_plan
from anpr_bench.faults.verify import _plates_in
from anpr_runtime.pseudonym import vehicle_key

PLATES = {"GH123K": "GH123K", "72VGX6": "72VGX6"}
KEYS = {vehicle_key("GH123K", "k"): "GH123K"}


def test_finds_a_plate_in_clear_in_json_and_formatted() -> None:
    assert _plates_in('{"plate": "gh123k"}', PLATES, {}) == {"GH123K"}
    assert _plates_in("seen 72-VGX-6 at noon", PLATES, {}) == {"72VGX6"}


def test_finds_the_keyed_hash_of_a_plate() -> None:
    assert _plates_in(f"vehicle_key {vehicle_key('GH123K', 'k')} day", PLATES, KEYS) == {"GH123K"}


def test_a_plate_inside_a_longer_word_is_no_trace() -> None:
    assert _plates_in("0a1b2c3dGH123Kee 172VGX61 7-2VGX-6", PLATES, KEYS) == set()


def test_the_plan_expects_one_candidate_per_violating_vehicle_and_regime() -> None:
    plan = make_plan(2_000, 50, 3, 3, datetime(2026, 6, 1, 12, tzinfo=UTC))
    violators = {read.plate for read in plan.reads if KINDS[read.kind][1]}
    per_regime = sum(len(KINDS[kind][1]) for kind in {read.plate: read.kind for read in plan.reads}.values())
    assert len(plan.expected) == per_regime + len(FRAME_CANDIDATES)
    assert len(plan.reads) > len(violators | plan.no_hit_plates)  # some violators are read twice
    assert not violators & plan.no_hit_plates
    assert len({read.observed_at.date() for read in plan.reads}) == 1


def test_no_planned_vehicle_is_also_in_the_demo_registry() -> None:
    registry = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "rdw" / "voertuigen.csv"
    with registry.open() as file:
        demo = {row["kenteken"] for row in csv.DictReader(file)}

    plan = make_plan(40_000, 0, 0, 0, datetime(2026, 6, 1, 12, tzinfo=UTC))

    assert "BV746S" in demo  # a demo van that a 20,000-read plan once drew as a petrol car
    assert not demo & {read.plate for read in plan.reads}
