"""The benchmark's plumbing (not its speed: figures are printed by `anpr bench rules`, never asserted)."""

from pathlib import Path

from anpr_bench.rules import BenchConfig, plate_of, run

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
