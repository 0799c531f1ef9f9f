"""The benchmark's plumbing (not its speed: figures are printed by `anpr bench rules`, never asserted)."""

from collections import Counter
from pathlib import Path

from anpr_bench.rules import BenchConfig, run
from anpr_bench.rules_registry import SHAPE_SIZE, plate_of, registry_chunks

REGIMES = Path(__file__).resolve().parents[4] / "deploy" / "regimes"


def test_synthetic_plates_are_unique_and_plate_shaped() -> None:
    plates = [plate_of(n) for n in range(0, 4_096_000, 997)]
    assert len(set(plates)) == len(plates)
    assert all(len(p) == 6 and p[:2].isdigit() and p[2:5].isalpha() and p[5].isdigit() for p in plates)


def test_small_run_reports_every_figure_and_judges_every_read_against_every_regime() -> None:
    result = run(BenchConfig(vehicles=2_000, permits=200, reads=300, baseline_reads=0, regimes=10), REGIMES, None)
    for figure in ("decisions_per_s_per_core", "p50_ms", "p99_ms", "rss_mb", "reads_per_s"):
        assert result[figure] > 0, figure
    assert result["vehicles"] == 2_000
    assert result["permits"] == 200
    # Every regime is in force at the bench location at every moment, whatever the rule set's start.
    assert 0.8 * 300 * 10 <= result["decisions"] <= 300 * 10
    assert "baseline_decisions_per_s" not in result


def test_plates_stay_unique_and_plate_shaped_up_to_the_national_size() -> None:
    edges = [n for shape in range(4) for n in range(shape * SHAPE_SIZE - 500, shape * SHAPE_SIZE + 500) if n >= 0]
    sample = edges + list(range(0, 16_000_000, 9_973))
    plates = [plate_of(n) for n in sample]
    assert len(set(plates)) == len(set(sample))
    assert all(len(p) == 6 and p.isalnum() and p.isupper() for p in plates)


def test_the_generated_registry_is_the_same_each_time_and_in_the_rdw_shape() -> None:
    first = [v for c in registry_chunks(150_000, 3) for v in c]
    assert first == [v for c in registry_chunks(150_000, 3) for v in c]
    assert len({v.plate for v in first}) == 150_000
    kinds = Counter(v.kind for v in first)
    assert 0.77 < kinds["Personenauto"] / len(first) < 0.83  # national.py's mix
    assert {"Bedrijfsauto", "Bus", "Motorfiets", "Bromfiets"} <= kinds.keys()
    assert any(v.fuels == ("Benzine", "Elektriciteit") for v in first)  # hybrids: two fuel rows
    assert any(v.registered_emission_class is None and v.fuels == ("Diesel",) for v in first)  # derived class
    assert any(v.inrichting == "opleggertrekker" and v.body_codes == ("BC",) for v in first)
    assert any("15" in v.body_codes and v.category in ("N2", "N3") for v in first)


def test_small_run_compares_the_compact_index_with_todays_in_the_same_run() -> None:
    result = run(
        BenchConfig(vehicles=3_000, permits=100, reads=200, baseline_reads=0, compare_vehicles=1_000), REGIMES, None
    )
    assert (result["index"], result["vehicles"], result["dict_index_vehicles"]) == ("compact", 3_000, 1_000)
    assert result["compact_at_compare_vehicles"] == 1_000
    for figure in ("load_s", "snapshot_mb", "dict_index_load_s", "dict_index_decisions_per_s_per_core", "p99_cpu_ms"):
        assert result[figure] > 0, figure


def test_a_snapshot_cache_is_used_again_and_a_damaged_snapshot_in_it_made_again(tmp_path: Path) -> None:
    config = BenchConfig(vehicles=1_500, permits=50, reads=100, baseline_reads=0, snapshot_cache=tmp_path)

    first = run(config, REGIMES, None)
    kept = list(tmp_path.glob("*/*.snap"))
    again = run(config, REGIMES, None)

    assert first["snapshot_build_s"] > 0
    assert len(kept) == 1
    assert again["snapshot_build_s"] == 0
    assert list(tmp_path.glob("*/*.snap")) == kept
    kept[0].write_bytes(kept[0].read_bytes()[:-100])  # truncated: refused, so made again
    third = run(config, REGIMES, None)
    assert third["snapshot_build_s"] > 0
    assert third["vehicles"] == 1_500
    assert 0 < third["cpu_share"] <= 1.01
