"""The services of one fault run as real `anpr run SERVICE` processes, each its own process group with a
pidfile under `<run dir>/services/` (so `deploy/local/with-infra.sh` ends them even after a crash of the
caller), while faults.infra reaches the broker and the database through `deploy/local/infra.sh`.

Every instance gets its own HTTP port through `ANPR_<SERVICE>_PORT`; two instances of one service share
its consumer group, so Kafka splits the partitions between them."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from anpr_cli.processes import free_port, pid_file, start_detached, stop_group, wait_http_ready


@dataclass(frozen=True)
class Instance:
    service: str
    index: int
    port: int

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class ServiceDied(RuntimeError):
    """An instance exited on its own while it was expected to start."""


class Cluster:
    def __init__(self, run_dir: Path, env: dict[str, str], tag: str) -> None:
        self.run_dir = run_dir
        self.env = env
        self.tag = tag
        self.instances: dict[str, Instance] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        (run_dir / "services").mkdir(parents=True, exist_ok=True)

    def instance(self, service: str, index: int = 0) -> Instance:
        name = f"{service}-{index}"
        if name not in self.instances:
            self.instances[name] = Instance(service, index, free_port())
        return self.instances[name]

    def log_file(self, instance: Instance) -> Path:
        return self.run_dir / "services" / f"faults-{self.tag}-{instance.name}.log"

    def _pid_file(self, instance: Instance) -> Path:
        return pid_file(self.run_dir, f"faults-{self.tag}-{instance.name}")

    def start(self, instance: Instance) -> None:
        env = {**os.environ, **self.env, f"ANPR_{instance.service.upper()}_PORT": str(instance.port)}
        argv = [sys.executable, "-m", "anpr_cli.main", "run", instance.service]
        self._processes[instance.name] = start_detached(argv, self.log_file(instance), self._pid_file(instance), env)

    def kill(self, instance: Instance, how: signal.Signals = signal.SIGKILL, grace: float = 30) -> None:
        """SIGKILL: a crash, nothing flushed or committed. SIGTERM: a graceful stop, SIGKILL after `grace`."""
        process = self._processes.pop(instance.name, None)
        if process is None:
            return
        if how == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the whole group: a crash takes its workers too
        else:
            stop_group(process.pid, timeout=grace)
        process.wait()
        self._pid_file(instance).unlink(missing_ok=True)

    def pids(self) -> dict[Instance, int]:
        return {self.instances[name]: process.pid for name, process in self._processes.items()}

    def running(self) -> list[Instance]:
        return [self.instances[name] for name in self._processes]

    async def wait_ready(self, instance: Instance, within: float = 180) -> None:
        process = self._processes.get(instance.name)

        def running() -> bool:
            return process is not None and self._processes.get(instance.name) is process and process.poll() is None

        # In a thread: the traffic of the run goes on meanwhile, on this event loop.
        if await asyncio.to_thread(wait_http_ready, f"{instance.url}/readyz", within, running):
            return
        if not running():
            raise ServiceDied(f"{instance.name} exited; last lines of its log:\n{self.tail(instance)}")
        raise TimeoutError(f"{instance.name} not ready after {within:.0f} s:\n{self.tail(instance)}")

    def tail(self, instance: Instance, lines: int = 25) -> str:
        log = self.log_file(instance)
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def stop_all(self) -> None:
        for name in list(self._processes):
            self.kill(self.instances[name], signal.SIGTERM, grace=20)


@contextlib.asynccontextmanager
async def own_database(database_url: str, name: str) -> AsyncIterator[str]:
    """A database of the run's own on the same server, dropped afterwards. A fresh connection each time:
    one kept open would not survive the PostgreSQL restart in between."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()
