"""`anpr bench pipeline` reduced to a smoke run (its speed is never asserted): all five services as
processes, every candidate the reads must raise is stored, frames are recognised, and the figures the
issue names are there."""

import json
import os
from pathlib import Path

import pytest

from anpr_bench.pipeline import PipelineConfig, passed_national_target, passed_target, run

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
async def test_a_small_run_stores_every_candidate_and_reports_the_figures(infra: dict[str, str]) -> None:
    run_dir = Path(os.environ.get("ANPR_RUN_DIR") or ROOT / ".run" / "test")
    config = PipelineConfig(reads=1_000, frames=14, batch=100, concurrency=2, rate=1_000, frame_rate=0)
    figures = await run(config, run_dir, infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"], log=print)
    print(json.dumps(figures))

    assert figures["candidates"] == figures["expected_candidates"] > 0
    assert figures["frames_per_s"] > 0
    assert figures["reads_per_s"] > 0
    assert figures["p95_s"] >= figures["p50_s"] > 0
    assert figures["raw_kafka_per_s"] > 0
    assert {"ingest-0", "rules-0", "notices-0"} <= figures["cpu_ms_per_read"].keys()
    assert figures["target_met"] == passed_target(figures)
    assert figures["national_target_met"] == passed_national_target(figures)
    assert len(figures["load_1m"]) == 2
    assert min(figures["load_1m"]) >= 0


def test_the_target_needs_every_candidate_the_rate_and_the_latency() -> None:
    met = {"candidates": 10, "expected_candidates": 10, "reads_per_s": 2_050.0, "p95_s": 1.2}

    assert passed_target(met)
    assert not passed_target(met | {"candidates": 9})
    assert not passed_target(met | {"reads_per_s": 1_999.0})
    assert not passed_target(met | {"p95_s": 2.0})


def test_the_national_target_needs_every_candidate_4900_reads_a_second_and_a_p95_of_1_s() -> None:
    met = {"candidates": 10, "expected_candidates": 10, "reads_per_s": 4_900.0, "p95_s": 1.0}

    assert passed_national_target(met)
    assert not passed_national_target(met | {"candidates": 9})
    assert not passed_national_target(met | {"reads_per_s": 4_899.0})
    assert not passed_national_target(met | {"p95_s": 1.01})
