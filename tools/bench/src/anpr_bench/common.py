"""Helpers more than one bench uses: latency percentiles, CPU time of processes, the bench's Kafka topics."""

import os
from pathlib import Path

from anpr_cli.processes import free_port

__all__ = ["delete_topics", "free_port", "percentile", "process_cpu_seconds"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its running children, such as uvicorn's workers (Linux
    /proc); 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(process_cpu_seconds(int(child)) for child in children)


async def delete_topics(bootstrap: str, prefix: str) -> None:
    """Every topic whose name starts with `prefix`: a bench's own topics, once it is done."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if names := [name for name in await admin.list_topics() if name.startswith(prefix)]:
            await admin.delete_topics(names)
    finally:
        await admin.close()
