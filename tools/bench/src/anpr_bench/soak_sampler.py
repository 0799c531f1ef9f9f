"""One sample of the soak: every watched process (the service instances, each Kafka broker, PostgreSQL),
the run's database connections from pg_stat_activity, and the lag of each consumer group."""

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import asyncpg
from aiokafka.errors import KafkaError

from anpr_bench.soak_figures import Sample
from anpr_bench.soak_lag import Offsets, consumer_lag
from anpr_bench.soak_probes import (
    connections_per_process,
    open_fds,
    port_owners,
    process_tree,
    tree_pss_mib,
    tree_rss_mib,
)
from anpr_cli.processes import alive, read_pid

POSTGRES = "postgres"


def infra_pids(run_dir: Path) -> dict[str, int]:
    """Each broker by its pid file (`kafka.pid`, or one per broker of a cluster), and the postmaster."""
    found = {}
    for pid_file in sorted(run_dir.glob("kafka*.pid")):
        if (pid := read_pid(pid_file)) is not None:
            found[pid_file.stem] = pid
    postmaster = run_dir / "pg" / "data" / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):  # not running: nothing to watch
        if alive(pid := int(postmaster.read_text().split()[0])):
            found[POSTGRES] = pid
    return found


def running_brokers(run_dir: Path) -> int:
    return sum(name.startswith("kafka") for name in infra_pids(run_dir))


class Sampler:
    def __init__(
        self,
        processes: Callable[[], Mapping[str, int]],
        dsn: str,
        database: str,
        database_port: int,
        offsets: Offsets,
        groups: Mapping[str, Sequence[str]],
    ) -> None:
        self._processes = processes  # asked every time: a name -> pid map that may change
        self._dsn = dsn
        self._database = database
        self._database_port = database_port
        self._offsets = offsets
        self._groups = groups

    async def sample(self, seconds: float) -> Sample:
        errors: list[str] = []
        trees = {name: process_tree(pid) for name, pid in self._processes().items()}
        rss: dict[str, float] = {}
        for name, pids in trees.items():
            # PostgreSQL: PSS, or the shared buffers would count once per backend (see tree_pss_mib).
            mib = tree_pss_mib(pids) if name == POSTGRES else tree_rss_mib(pids)
            if mib is None:
                errors.append(f"{name}: process {pids[0]} gone")
            else:
                rss[name] = mib
        fds = {name: open_fds(pids) for name, pids in trees.items() if name in rss}
        connections: dict[str, int] = {}
        try:
            ports = await self._client_ports()
            watched = {name: pids for name, pids in trees.items() if name != POSTGRES}
            connections = connections_per_process(ports, port_owners(watched, self._database_port))
        except (OSError, asyncpg.PostgresError) as exc:
            errors.append(f"pg_stat_activity: {type(exc).__name__}: {exc}")
        lag: dict[str, int] = {}
        try:
            lag = await asyncio.wait_for(consumer_lag(self._offsets, self._groups), timeout=30)
        except (KafkaError, OSError, TimeoutError) as exc:
            errors.append(f"consumer lag: {type(exc).__name__}: {exc}")
        return Sample(seconds, rss, fds, connections, lag, tuple(errors))

    async def _client_ports(self) -> list[int]:
        connection = await asyncpg.connect(self._dsn, timeout=10)
        try:
            rows = await connection.fetch(
                """SELECT client_port FROM pg_stat_activity
                   WHERE datname = $1 AND pid <> pg_backend_pid() AND client_port IS NOT NULL""",
                self._database,
            )
        finally:
            await connection.close()
        return [row["client_port"] for row in rows]
