"""The Kafka and PostgreSQL a fault run works on, as `deploy/local/infra.sh` runs them: the running ones
(`anpr up`), or a cluster of the run's own (`--brokers 3`: three KRaft nodes and a PostgreSQL, started in
a run dir of their own and purged afterwards). Only the run's own infrastructure can have its disks made
small: a size-limited tmpfs mounted over PostgreSQL's data directory and the last broker's log directory
before they start, which the full-disk steps fill and free.

Where things are follows infra.sh: node 1's files are `kafka.pid`, `kafka-data/`; node n's
`kafka-n.pid`, `kafka-n-data/`; PostgreSQL's `pg/data/postmaster.pid`."""

import asyncio
import contextlib
import json
import os
import re
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from anpr_cli.paths import infra_script
from anpr_cli.processes import alive

# Ports of the run's own infrastructure: this far above the running broker's, so two suites on one
# machine (each with its own running infrastructure) do not meet. Kafka node n takes base+2(n-1) and
# base+2(n-1)+1; PostgreSQL the port after the last node's.
OWN_PORT_OFFSET = 100


@dataclass(frozen=True)
class Infra:
    run_dir: Path
    env: dict[str, str]  # what infra.sh needs to find this infrastructure: run dir, ports, broker count
    bootstrap: str
    database_url: str
    brokers: int = 1
    disks: dict[str, Path] = field(default_factory=dict)  # "postgres" / "broker": a small tmpfs mount

    def kafka_data(self, node: int) -> Path:
        return self.run_dir / ("kafka-data" if node == 1 else f"kafka-{node}-data")

    def broker_pid(self, node: int) -> int | None:
        return _pid_from(self.run_dir / ("kafka.pid" if node == 1 else f"kafka-{node}.pid"), "kafka.Kafka")

    def postgres_pids(self) -> list[int]:
        """The postmaster first, then its children (backends, WAL writer, checkpointer, ...)."""
        pg = self.run_dir / "pg"
        postmaster = _pid_from(pg.resolve() / "data" / "postmaster.pid", "postgres")
        if postmaster is None:
            return []
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children")
        with contextlib.suppress(OSError):
            return [postmaster, *(int(pid) for pid in children.read_text().split())]
        return [postmaster]

    def active_controller(self) -> int | None:
        """The KRaft quorum's leader, as the live nodes last wrote it down (the newest epoch wins)."""
        best: tuple[int, int] | None = None
        for node in range(1, self.brokers + 1):
            if self.broker_pid(node) is None:
                continue
            try:
                state = json.loads((self.kafka_data(node) / "__cluster_metadata-0" / "quorum-state").read_text())
            except (OSError, ValueError):
                continue
            if state.get("leaderId", -1) >= 0 and (best is None or state["leaderEpoch"] > best[0]):
                best = (state["leaderEpoch"], state["leaderId"])
        return best[1] if best else None

    async def sh(self, *args: str, within: float = 240) -> None:
        """infra.sh for this infrastructure (`up kafka` brings back a killed node, `restart postgres`)."""
        process = await asyncio.create_subprocess_exec(
            "bash",
            str(infra_script()),
            *args,
            env={**os.environ, **self.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), within)
        except TimeoutError:
            process.kill()
            raise RuntimeError(f"infra.sh {' '.join(args)} did not finish within {within:.0f} s") from None
        if process.returncode != 0:
            raise RuntimeError(f"infra.sh {' '.join(args)} failed:\n{output.decode(errors='replace')[-2000:]}")


def _pid_from(file: Path, command: str) -> int | None:
    try:
        pid = int(file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return pid if command in cmdline and alive(pid) else None


def running_infra(run_dir: Path, bootstrap: str, database_url: str) -> Infra:
    """The infrastructure `anpr up` started: its ports from the broker's own configuration (a wrong one
    would rewrite it) and PostgreSQL's from the database URL."""
    properties = (run_dir / "server.properties").read_text()
    controller = re.search(r"^controller\.quorum\.voters=\d+@[\d.]+:(\d+)", properties, re.MULTILINE)
    pg_port = re.search(r"@[^/:]+:(\d+)/", database_url)
    if controller is None or pg_port is None:
        raise RuntimeError(f"cannot tell the infrastructure's ports from {run_dir} and the database URL")
    brokers = len(bootstrap.split(","))
    env = {
        "ANPR_RUN_DIR": str(run_dir),
        "ANPR_KAFKA_PORT": bootstrap.split(",")[0].rpartition(":")[2],
        "ANPR_KAFKA_CONTROLLER_PORT": controller.group(1),
        "ANPR_KAFKA_BROKERS": str(brokers),
        "ANPR_PG_PORT": pg_port.group(1),
    }
    return Infra(run_dir, env, bootstrap, database_url, brokers)


@contextlib.asynccontextmanager
async def own_infra(run_dir: Path, brokers: int, base_port: int, disk_mib: int = 0) -> AsyncIterator[Infra]:
    """Kafka (`brokers` nodes) and PostgreSQL in `run_dir`, stopped and purged afterwards. `disk_mib` > 0:
    PostgreSQL's directory and the last node's log directory are each a tmpfs of that size (needs root)."""
    pg_port = base_port + 2 * brokers
    env = {
        "ANPR_RUN_DIR": str(run_dir),
        "ANPR_KAFKA_PORT": str(base_port),
        "ANPR_KAFKA_CONTROLLER_PORT": str(base_port + 1),
        "ANPR_KAFKA_BROKERS": str(brokers),
        "ANPR_PG_PORT": str(pg_port),
    }
    bootstrap = ",".join(f"127.0.0.1:{base_port + 2 * n}" for n in range(brokers))
    database_url = f"postgresql+asyncpg://postgres@127.0.0.1:{pg_port}/anpr"
    disks = {}
    if disk_mib:
        last = f"kafka-{brokers}-data" if brokers > 1 else "kafka-data"
        disks = {"postgres": run_dir / "pg", "broker": run_dir / last}
    infra = Infra(run_dir, env, bootstrap, database_url, brokers, disks)
    try:
        for mount in disks.values():
            await asyncio.to_thread(_mount_tmpfs, mount, disk_mib)
        await asyncio.to_thread(run_dir.mkdir, parents=True, exist_ok=True)
        await infra.sh("up", "kafka", "postgres")
        await _small_wal(database_url)
        yield infra
    finally:
        with contextlib.suppress(RuntimeError):
            await infra.sh("down")
        for mount in disks.values():
            await asyncio.to_thread(subprocess.run, ["umount", "--lazy", str(mount)], check=False, capture_output=True)
        with contextlib.suppress(RuntimeError):
            await infra.sh("down", "--purge")


def _mount_tmpfs(mount: Path, mib: int) -> None:
    mount.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={mib}m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the full-disk steps need a small file system: mounting a tmpfs on {mount} failed "
            f"(root is needed): {done.stderr.strip()}"
        )


async def _small_wal(database_url: str) -> None:
    """PostgreSQL's default keeps up to 1 GB of WAL between checkpoints: on a small disk, checkpoint often."""
    import asyncpg

    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute("ALTER SYSTEM SET max_wal_size = '64MB'")
        await connection.execute("ALTER SYSTEM SET min_wal_size = '32MB'")
        await connection.execute("SELECT pg_reload_conf()")
    finally:
        await connection.close()
