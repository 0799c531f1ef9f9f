"""`anpr run ingest` as a process of the bench's own, on a port and with a log file of its own."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from anpr_bench.common import process_cpu_seconds
from anpr_cli.processes import start_detached, stop_group, wait_http_ready


class IngestProcess:
    """`anpr run ingest` in a process group of its own, logging to a temporary file; stop() ends it for sure."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = Path(tempfile.gettempdir()) / f"anpr-bench-ingest-{port}.log"
        self._pid_file = self.log_file.with_suffix(".pid")
        self._env = {**os.environ, **env, "ANPR_INGEST_PORT": str(port)}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, wait_seconds: float = 120) -> None:
        self.log_file.unlink(missing_ok=True)  # the error below quotes this run's log only
        argv = [sys.executable, "-m", "anpr_cli.main", "run", "ingest"]
        self._process = process = start_detached(argv, self.log_file, self._pid_file, self._env)
        if wait_http_ready(f"{self.url}/readyz", wait_seconds, lambda: process.poll() is None):
            return
        if process.poll() is not None:
            tail = self.log_file.read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError("ingest exited during start-up:\n" + "\n".join(tail))
        raise RuntimeError(f"ingest not ready after {wait_seconds:.0f} s; see {self.log_file}")

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self._process.pid) if self._process else 0.0

    def stop(self) -> None:
        """Graceful first (the producer flushes, the engine closes); the whole group is killed after 30 s,
        so no worker the supervisor gave up on goes on using CPU in the next run."""
        if self._process is None:
            return
        stop_group(self._process.pid, timeout=30)
        self._process.wait()
        self._pid_file.unlink(missing_ok=True)
