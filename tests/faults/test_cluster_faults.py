"""The pipeline on production's shape of Kafka, reduced to fit CI (full size: `anpr bench faults --brokers 3`):
a cluster of three brokers and a PostgreSQL of the run's own, topics replicated three times with
min.insync.replicas 2; while reads and frames stream through all five services, the broker leading the
most partitions is SIGKILLed (its partitions get other leaders, it comes back and catches up) and, with a
second rules instance in the group, rules-0 is SIGSTOPped past its session timeout (its partitions move to
rules-1) and woken up with a stale assignment.

Every read that must become a candidate becomes exactly one, nothing else becomes one, only the inputs
made to fail are dead letters, and no no-hit plate is left in any table of any schema."""

import json
import os
from pathlib import Path

import pytest

from anpr_bench.faults.scenario import FaultConfig, run
from anpr_bench.faults.steps import CLUSTER_CI_STEPS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.mark.timeout(420)  # ~3 min on a 2-core machine shared with other work, most of it JVMs starting
async def test_every_candidate_exactly_once_while_a_broker_dies_and_a_consumer_hangs(infra: dict[str, str]) -> None:
    run_dir = Path(os.environ.get("ANPR_RUN_DIR") or ROOT / ".run" / "test")
    config = FaultConfig(
        reads=600,
        frames=12,
        corrupt_frames=1,
        garbage_reads=1,
        steps=CLUSTER_CI_STEPS,
        batch=25,
        chunk_seconds=6,
        brokers=3,
        hang_seconds=14,  # past the consumers' 10 s session timeout
        down_seconds=0,  # the broker comes back as soon as its partitions have other leaders
        extra_instances=("rules-1",),
    )
    result = await run(config, run_dir, infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"], log=print)
    print(json.dumps(result, indent=1))

    assert result["brokers"] == 3
    assert result["reads_topic"] == {"replicas": 3, "min_insync_replicas": 2}
    assert [fault for fault in result["faults"] if fault["error"]] == []
    killed = next(fault for fault in result["faults"] if fault["step"] == "kill broker")
    assert not killed["was_controller"]
    assert killed["leaders_moved_s"] < killed["back_s"]
    assert result["refused"] == []
    assert result["reads_accepted"] == 600
    assert result["drained"]
    assert result["lost"] == 0, result["examples"]["lost"]
    assert result["duplicates"] == 0, result["examples"]["duplicated"]
    assert result["unexpected"] == 0, result["examples"]["unexpected"]
    assert result["candidates"] == result["expected"]
    assert result["dead_letters_missing"] == 0
    assert result["dead_letters_unexpected"] == 0, result["examples"]["dead_letters_unexpected"]
    assert result["no_hit_traces"] == 0, result["traces_in"]
    assert result["server_errors"] == 0, result["server_error_kinds"]
