"""Service processes: start detached, pid files, readiness over HTTP, stop a whole process group.

The one implementation behind `anpr up|down|status`, `anpr demo` and the fault suite's cluster.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

__all__ = [
    "alive",
    "free_port",
    "pid_file",
    "read_pid",
    "rss_mib",
    "start_detached",
    "stop_group",
    "wait_http_ready",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pid_file(run_dir: Path, name: str) -> Path:
    """Where the pid of service process `name` is kept: <run_dir>/services/<name>.pid."""
    return run_dir / "services" / f"{name}.pid"


def start_detached(
    argv: list[str], log: Path, pid_file: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start argv in a session (and process group) of its own, output appended to `log`, pid written.

    `env` replaces the environment when given (pass `{**os.environ, ...}` to extend it).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            argv,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: a stop reaches everything it started
        )
    pid_file.write_text(str(process.pid))
    return process


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state follows the command name, which is in parentheses and may itself contain spaces.
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def read_pid(pid_file: Path) -> int | None:
    """The pid in the file if that process still runs; None when the file is missing or the process gone."""
    try:
        text = pid_file.read_text().strip()
    except OSError:
        return None
    if not text.isdigit() or int(text) <= 0:
        return None
    pid = int(text)
    return pid if alive(pid) else None


def _reap(pid: int) -> None:
    """Collect our own exited child, so it does not linger as a zombie; others' processes are left alone."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _signal_group(pid: int, how: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, how)


def stop_group(pid: int, timeout: float = 30) -> None:
    """SIGTERM to the process group led by pid (a graceful stop), SIGKILL if it still runs after `timeout`."""
    _signal_group(pid, signal.SIGTERM)  # graceful: finish the current message, commit, close
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if not alive(pid) or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    # Also takes any worker the leader left behind; it would keep a port or a consumer group busy.
    _signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _reap(pid)
        if not alive(pid):
            break
        time.sleep(0.05)


def wait_http_ready(url: str, timeout: float, still_running: Callable[[], bool]) -> bool:
    """Poll url until it answers 200 (True); False once still_running() says no, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while True:
            try:
                if client.get(url).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if not still_running() or time.monotonic() >= deadline:
                return False
            time.sleep(0.3)


def rss_mib(pid: int) -> float | None:
    """Resident memory of the process in MiB (from /proc), None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
