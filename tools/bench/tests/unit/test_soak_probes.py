"""What the soak reads from /proc, on this test's own processes and sockets (Linux), and the matching of
pg_stat_activity's client ports to processes."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from anpr_bench.soak_figures import Sample
from anpr_bench.soak_plot import write_plot
from anpr_bench.soak_probes import (
    connections_per_process,
    open_fds,
    port_owners,
    process_tree,
    sockets_to,
    tcp_tables,
    tree_pss_mib,
    tree_rss_mib,
)
from anpr_bench.soak_sampler import infra_pids, running_brokers

TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:C350 0100007F:8E70 01 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 20 4 30 10 -1
   1: 0100007F:C351 0100007F:8E70 06 00000000:00000000 00:00000000 00000000  1000        0 0 1 0 20 4 30 10 -1
   2: 0100007F:8E70 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1
   3: 0100007F:C352 0100007F:2383 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1
"""
TCP6 = (
    "  sl  local_address                         remote_address                        st tx_queue rx_queue\n"
    "   0: 0000000000000000FFFF00000100007F:C353 0000000000000000FFFF00000100007F:8E70 01 00000000:00000000"
    " 00:00000000 00000000  1000        0 444 1\n"
)


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_the_tree_holds_the_children_and_their_memory_and_files_add_up(child: subprocess.Popen[bytes]) -> None:
    tree = process_tree(os.getpid())

    assert tree[0] == os.getpid()
    assert child.pid in tree
    own = tree_rss_mib([os.getpid()])
    assert own is not None
    assert own > 10
    both = tree_rss_mib([os.getpid(), child.pid])
    assert both is not None
    assert both > own
    assert open_fds([os.getpid(), child.pid]) > open_fds([os.getpid()]) > 0
    pss = tree_pss_mib([os.getpid()])
    assert pss is not None
    assert 0 < pss <= own + 1


def test_a_process_that_is_gone_has_no_memory() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()

    assert tree_rss_mib([process.pid]) is None
    assert tree_pss_mib([process.pid]) is None


def test_established_connections_to_the_port_are_found_by_inode_in_tcp_and_tcp6() -> None:
    # 0x8E70 is 36464, 0xC350 50000; the closed (06) one and the one to another port are left out, and
    # so is the server's side of the connection (its local port is the database's).
    assert sockets_to(0x8E70, [TCP, TCP6]) == {111: 0xC350, 444: 0xC353}


def test_connections_are_counted_per_owner_and_the_rest_as_other() -> None:
    owners = {50000: "rules-0", 50001: "rules-0", 50002: "ingest-0"}

    counted = connections_per_process([50000, 50001, 50002, 60000], owners)

    assert counted == {"ingest-0": 1, "other": 1, "rules-0": 2}


def test_a_real_connection_is_owned_by_the_process_that_holds_its_socket() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            with accepted:
                owners = port_owners({"this-test": [os.getpid()]}, port)
                assert owners == {client.getsockname()[1]: "this-test"}
                assert client.getsockname()[1] in sockets_to(port, tcp_tables()).values()


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    samples = [
        Sample(seconds, {"rules-0": 100.0 + seconds / 60, "kafka": 900.0}, {}, {}, {"faults-x-rules": int(seconds)})
        for seconds in (0.0, 10.0, 20.0, 30.0)
    ]

    written = write_plot(samples, tmp_path / "plots" / "soak.png", "a test")

    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert written.stat().st_size > 10_000


def test_the_brokers_and_postgres_are_found_by_their_pid_files_and_a_stale_one_is_not(
    tmp_path: Path, child: subprocess.Popen[bytes]
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / "kafka.pid").write_text(str(os.getpid()))
    (tmp_path / "kafka-2.pid").write_text(str(child.pid))
    (tmp_path / "kafka-3.pid").write_text(str(gone.pid))  # a broker killed: its pid file stays behind
    (tmp_path / "pg" / "data").mkdir(parents=True)
    (tmp_path / "pg" / "data" / "postmaster.pid").write_text(f"{child.pid}\n/some/data\n1733480000\n5432\n")

    assert infra_pids(tmp_path) == {"kafka": os.getpid(), "kafka-2": child.pid, "postgres": child.pid}
    assert running_brokers(tmp_path) == 2
