"""Where the fault suite finds the infrastructure's processes and who leads the KRaft quorum, from the
files infra.sh and Kafka write (real processes stand in for the brokers: their command line is checked)."""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from anpr_bench.faults.infra import Infra, running_infra
from anpr_bench.faults.steps import CLUSTER_CI_STEPS, CLUSTER_STEPS, FULL_STEPS, needs_disks


@pytest.fixture
def brokers(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Three processes whose command lines name kafka.Kafka, with the pid files infra.sh would write."""
    processes = [
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "kafka.Kafka"]) for _ in range(3)
    ]
    for node, process in enumerate(processes, start=1):
        (tmp_path / ("kafka.pid" if node == 1 else f"kafka-{node}.pid")).write_text(f"{process.pid}\n")
    yield processes
    for process in processes:
        process.kill()
        process.wait()


def quorum_state(infra: Infra, node: int, leader: int, epoch: int) -> None:
    folder = infra.kafka_data(node) / "__cluster_metadata-0"
    folder.mkdir(parents=True)
    (folder / "quorum-state").write_text(json.dumps({"leaderId": leader, "leaderEpoch": epoch, "votedId": -1}))


def test_the_newest_epoch_a_live_node_wrote_names_the_controller(
    tmp_path: Path, brokers: list[subprocess.Popen[bytes]]
) -> None:
    infra = Infra(tmp_path, {}, "127.0.0.1:1,127.0.0.1:3,127.0.0.1:5", "postgresql+asyncpg://x@127.0.0.1:9/anpr", 3)
    quorum_state(infra, 1, leader=1, epoch=4)  # node 1 missed the last election
    quorum_state(infra, 2, leader=3, epoch=5)
    quorum_state(infra, 3, leader=3, epoch=5)
    assert infra.active_controller() == 3

    for process in brokers[1:]:
        process.kill()
        process.wait()

    assert infra.broker_pid(1) == brokers[0].pid
    assert infra.broker_pid(2) is None
    assert infra.active_controller() == 1  # what dead nodes wrote last does not count


def test_a_pid_file_of_another_program_is_not_a_broker(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "kafka.pid").write_text(str(sleeper.pid))
        assert Infra(tmp_path, {}, "127.0.0.1:1", "postgresql+asyncpg://x@127.0.0.1:9/anpr").broker_pid(1) is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_running_cluster_is_addressed_by_its_first_broker_and_its_size(tmp_path: Path) -> None:
    voters = "1@127.0.0.1:35093,2@127.0.0.1:35095,3@127.0.0.1:35097"
    (tmp_path / "server.properties").write_text(f"node.id=1\ncontroller.quorum.voters={voters}\n")
    infra = running_infra(
        tmp_path,
        "127.0.0.1:35092,127.0.0.1:35094,127.0.0.1:35096",
        "postgresql+asyncpg://postgres@127.0.0.1:35432/anpr",
    )

    assert infra.env["ANPR_KAFKA_PORT"] == "35092"  # node 1's: infra.sh derives the others from it
    assert infra.env["ANPR_KAFKA_CONTROLLER_PORT"] == "35093"
    assert infra.env["ANPR_KAFKA_BROKERS"] == "3"
    assert infra.env["ANPR_PG_PORT"] == "35432"
    assert infra.brokers == 3


def test_only_the_cluster_steps_need_the_small_disks() -> None:
    assert needs_disks(CLUSTER_STEPS)
    assert not needs_disks(FULL_STEPS)
    assert not needs_disks(CLUSTER_CI_STEPS)  # CI mounts nothing (and need not run as root)
