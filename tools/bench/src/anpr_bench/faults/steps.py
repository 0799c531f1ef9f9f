"""The fault steps a run can take, by name, and the one function that takes a step.

- `kill SERVICE-N ...`: SIGKILL (the whole process group), restart, wait until ready;
- `start|stop SERVICE-N ...`: a second instance joins or leaves (graceful SIGTERM) its consumer group;
- `restart kafka|postgres`: infra.sh restarts it (a clean stop), the services reconnect;
- `hang SERVICE-N`: SIGSTOP of its process group past the consumer session timeout, then SIGCONT;
- with a cluster of three brokers: `kill broker`, `kill controller`, `hang broker`;
- `kill postgres` (SIGKILL mid-transaction), `hang postgres`;
- `fill postgres-disk`, `fill broker-disk`: the run's own small file system full, then freed.
"""

import asyncio
import signal
from typing import Any

from anpr_bench.faults import infra_steps
from anpr_bench.faults.cluster import Cluster
from anpr_bench.faults.infra import Infra

FULL_STEPS = (
    "kill ingest-0",
    "kill recognition-0",
    "kill rules-0",
    "start rules-1 recognition-1",
    "kill exemptions-0",
    "kill notices-0",
    "restart kafka",
    "kill rules-1",
    "restart postgres",
    "kill recognition-1",
    "kill rules-0",
    "kill ingest-0",
    "hang ingest-0",
    "hang notices-0",
    "hang recognition-0",
    "stop rules-1 recognition-1",
)
REDUCED_STEPS = (
    "start rules-1 recognition-1",
    "kill ingest-0",
    "kill rules-0",
    "restart kafka",
    "kill recognition-0",
    "kill notices-0",
    "restart postgres",
    "kill exemptions-0",
    "kill rules-1",
)
# What production's shape adds (`--brokers 3`): a second rules instance is running when rules-0 hangs, so
# the partitions move to rules-1 while rules-0 is stopped and rules-0 wakes up with a stale assignment.
CLUSTER_STEPS = (
    "start rules-1",
    "kill broker",
    "kill controller",
    "hang rules-0",
    "kill postgres",
    "hang broker",
    "hang postgres",
    "fill postgres-disk",
    "fill broker-disk",
    "stop rules-1",
)
# CI's share of it: one broker killed, one service hung (run with a second rules instance from the start,
# FaultConfig.extra_instances, so the hung one's partitions are taken over).
CLUSTER_CI_STEPS = ("kill broker", "hang rules-0")


def needs_disks(steps: tuple[str, ...]) -> bool:
    return any(step.startswith("fill ") for step in steps)


async def take(
    step: str, cluster: Cluster, infra: Infra, prefix: str, hang_seconds: float, down_seconds: float
) -> dict[str, Any]:
    """Take one step; what it measured (seconds from the fault) comes back, `{}` when nothing."""
    action, *names = step.split()
    target = names[0] if names else ""
    if action == "restart":
        await infra.sh("restart", target)
        await _all_ready(cluster)
        return {}
    if target in ("broker", "controller"):
        if action == "hang":
            return await infra_steps.hang_broker(infra, prefix, hang_seconds)
        return await infra_steps.kill_broker(infra, prefix, target == "controller", down_seconds)
    if target == "postgres":
        hung = action == "hang"
        detail = await (infra_steps.hang_postgres(infra, hang_seconds) if hung else infra_steps.kill_postgres(infra))
        return detail | await _all_ready(cluster)
    if action == "fill":
        detail = await infra_steps.fill_disk(infra, target.removesuffix("-disk"), prefix)
        return detail | await _all_ready(cluster)
    instances = [cluster.instance(name.rsplit("-", 1)[0], int(name.rsplit("-", 1)[1])) for name in names]
    if action == "hang":
        pids = cluster.pids()
        detail = {}
        for instance in instances:
            detail = await infra_steps.hang_group(pids[instance], hang_seconds)()
        return detail | await _all_ready(cluster)
    for instance in instances:
        if action in ("kill", "stop"):
            cluster.kill(instance, signal.SIGKILL if action == "kill" else signal.SIGTERM)
        if action == "kill":
            await asyncio.sleep(1)
        if action in ("kill", "start"):
            cluster.start(instance)
    for instance in instances:
        if action in ("kill", "start"):
            await cluster.wait_ready(instance, within=120)
    return {}


async def _all_ready(cluster: Cluster) -> dict[str, Any]:
    """Every running instance answers /readyz again (Kafka and its database reachable): the system is back."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    for instance in cluster.running():
        await cluster.wait_ready(instance, within=180)
    return {"services_ready_s": round(loop.time() - began, 1)}
