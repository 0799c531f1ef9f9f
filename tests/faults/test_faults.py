"""The pipeline under faults, reduced to fit CI (full size: `anpr bench faults`): 2,000 reads and 50 demo
frames through all five services as processes while a second rules and recognition instance joins (the
partitions rebalance), each service is SIGKILLed and restarted, and Kafka and PostgreSQL restart.

Every read that must become a candidate becomes exactly one, nothing else becomes one, only the inputs
made to fail are dead letters, and no no-hit plate is left in any table of any schema."""

import json
import os
from pathlib import Path

import pytest

from anpr_bench.faults.scenario import REDUCED_STEPS, FaultConfig, run

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.mark.timeout(600)  # ~5 min on a 2-core machine shared with other work
async def test_every_candidate_exactly_once_while_services_crash(infra: dict[str, str]) -> None:
    run_dir = Path(os.environ.get("ANPR_RUN_DIR") or ROOT / ".run" / "test")
    config = FaultConfig(reads=2_000, frames=50, corrupt_frames=3, garbage_reads=3, steps=REDUCED_STEPS, batch=25)
    result = await run(config, run_dir, infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"], log=print)
    print(json.dumps(result, indent=1))

    assert [fault for fault in result["faults"] if fault["error"]] == []
    assert result["refused"] == []
    assert result["reads_accepted"] == 2_000
    assert result["drained"]
    assert result["lost"] == 0, result["examples"]["lost"]
    assert result["duplicates"] == 0, result["examples"]["duplicated"]
    assert result["unexpected"] == 0, result["examples"]["unexpected"]
    assert result["candidates"] == result["expected"]
    assert result["dead_letters_missing"] == 0
    assert result["dead_letters_unexpected"] == 0, result["examples"]["dead_letters_unexpected"]
    assert result["no_hit_traces"] == 0, result["traces_in"]
    assert result["server_errors"] == 0, result["server_error_kinds"]
