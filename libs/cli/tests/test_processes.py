import os
import sys
import time
from pathlib import Path

from anpr_cli.processes import (
    alive,
    free_port,
    pid_file,
    read_pid,
    rss_mib,
    start_detached,
    stop_group,
    wait_http_ready,
)

SLEEPER = [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(60)"]
# Ignores SIGTERM, and leaves a child of its own in the group.
STUBBORN = [
    sys.executable,
    "-c",
    "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)",
]


def test_pid_file_lives_under_services(tmp_path: Path) -> None:
    assert pid_file(tmp_path, "ingest") == tmp_path / "services" / "ingest.pid"


def test_free_port_can_be_bound() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port()))


def test_start_read_stop(tmp_path: Path) -> None:
    log, pids = tmp_path / "logs" / "x.log", pid_file(tmp_path, "x")
    process = start_detached(SLEEPER, log, pids)
    assert os.getpgid(process.pid) == process.pid
    assert read_pid(pids) == process.pid
    assert (rss_mib(process.pid) or 0) > 0
    deadline = time.monotonic() + 10
    while b"started" not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert b"started" in log.read_bytes()
    stop_group(process.pid, timeout=5)
    process.wait(5)
    assert not alive(process.pid)
    assert read_pid(pids) is None


def test_stop_group_kills_what_ignores_sigterm_and_its_children(tmp_path: Path) -> None:
    process = start_detached(STUBBORN, tmp_path / "s.log", pid_file(tmp_path, "s"))
    time.sleep(0.5)
    started = time.monotonic()
    stop_group(process.pid, timeout=0.5)
    process.wait(5)
    assert time.monotonic() - started < 5
    assert not alive(process.pid)
    assert _running_in_group(process.pid) == []


def _running_in_group(pgid: int) -> list[int]:
    """Members of the group that are not zombies (a container's pid 1 may never reap orphans)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_read_pid_missing_or_garbage(tmp_path: Path) -> None:
    assert read_pid(tmp_path / "none.pid") is None
    (tmp_path / "bad.pid").write_text("x")
    assert read_pid(tmp_path / "bad.pid") is None


def test_wait_http_ready_gives_up_when_the_process_is_gone() -> None:
    started = time.monotonic()
    assert not wait_http_ready(f"http://127.0.0.1:{free_port()}/readyz", 30, lambda: False)
    assert time.monotonic() - started < 5


def test_wait_http_ready_times_out() -> None:
    assert not wait_http_ready(f"http://127.0.0.1:{free_port()}/readyz", 0.5, lambda: True)
