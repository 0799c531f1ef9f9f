"""Fault steps on the infrastructure itself, each returning what it measured (seconds from the fault):
a broker or the active controller SIGKILLed (when the partition leaders moved, when the node was back in
every in-sync replica set), PostgreSQL SIGKILLed with its backends mid-transaction (no shutdown
checkpoint: crash recovery on the next start), a broker or PostgreSQL SIGSTOPped for longer than the
session and request timeouts and then SIGCONTed, and a disk filled up and freed."""

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from anpr_bench.faults.infra import Infra

# Longer than the consumers' session timeout (10 s), the producers' request timeout (15 s) and a KRaft
# broker's session timeout (9 s): the group rebalances, requests time out, the broker is fenced.
HANG_SECONDS = 25.0
# How long a killed broker stays dead after its partitions moved, or a disk full, while traffic goes on.
DOWN_SECONDS = 8.0


async def kill_broker(infra: Infra, prefix: str, controller: bool, down: float = DOWN_SECONDS) -> dict[str, Any]:
    """SIGKILL the active controller, or a broker that leads some of the run's partitions and is not the
    controller; bring it back with `infra.sh up kafka` once its partitions have other leaders."""
    active = infra.active_controller()
    node = active if controller else await _busy_broker(infra, prefix, avoid=active)
    pid = infra.broker_pid(node) if node else None
    if node is None or pid is None:
        raise RuntimeError(f"no broker to kill (controller {active}, node {node} not running)")
    began = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    detail: dict[str, Any] = {"node": node, "was_controller": node == active}
    if controller:
        elected = await _until(_async(lambda: infra.active_controller() not in (None, node)), began, within=60)
        detail["new_controller"], detail["controller_elected_s"] = infra.active_controller(), elected
    detail["leaders_moved_s"] = await _until(lambda: _leads_nothing(infra, prefix, node), began, within=90)
    await asyncio.sleep(down)
    await infra.sh("up", "kafka")
    detail["back_s"] = await _until(lambda: _fully_replicated(infra, prefix), began, within=180)
    return detail


async def hang_broker(infra: Infra, prefix: str, seconds: float = HANG_SECONDS) -> dict[str, Any]:
    """SIGSTOP a broker leading some of the run's partitions (not the controller) for `seconds`, then
    SIGCONT: it is fenced meanwhile, and must catch up rather than serve what it had."""
    node = await _busy_broker(infra, prefix, avoid=infra.active_controller())
    pid = infra.broker_pid(node) if node else None
    if node is None or pid is None:
        raise RuntimeError("no running broker to hang")
    began = time.monotonic()
    os.kill(pid, signal.SIGSTOP)
    try:
        moved = _until(lambda: _leads_nothing(infra, prefix, node), began, within=seconds)
        detail: dict[str, Any] = {"node": node, "leaders_moved_s": await _or_none(moved)}
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - began)))
    finally:
        os.kill(pid, signal.SIGCONT)
    detail["hung_s"] = round(time.monotonic() - began, 1)
    detail["back_s"] = await _until(lambda: _fully_replicated(infra, prefix), began, within=180)
    return detail


async def kill_postgres(infra: Infra) -> dict[str, Any]:
    """SIGKILL the postmaster and every backend at once (a power cut, not a shutdown), then start it again."""
    pids = infra.postgres_pids()
    if not pids:
        raise RuntimeError("PostgreSQL is not running")
    began = time.monotonic()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(DOWN_SECONDS)
    await infra.sh("up", "postgres")  # crash recovery from the WAL
    return {"processes": len(pids), "back_s": round(time.monotonic() - began, 1)}


async def hang_postgres(infra: Infra, seconds: float = HANG_SECONDS) -> dict[str, Any]:
    """SIGSTOP the postmaster and all its backends for `seconds`: connections stay open, nothing answers."""
    pids = infra.postgres_pids()
    if not pids:
        raise RuntimeError("PostgreSQL is not running")
    began = time.monotonic()
    _signal_all(pids, signal.SIGSTOP)
    try:
        await asyncio.sleep(seconds)
    finally:
        _signal_all(pids, signal.SIGCONT)
    return {"processes": len(pids), "hung_s": round(time.monotonic() - began, 1)}


def hang_group(pid: int, seconds: float = HANG_SECONDS) -> Callable[[], Awaitable[dict[str, Any]]]:
    """SIGSTOP a service's whole process group (its HTTP workers too) for `seconds`, then SIGCONT."""

    async def hang() -> dict[str, Any]:
        began = time.monotonic()
        os.killpg(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(seconds)
        finally:
            os.killpg(pid, signal.SIGCONT)
        return {"hung_s": round(time.monotonic() - began, 1)}

    return hang


async def fill_disk(infra: Infra, disk: str, prefix: str) -> dict[str, Any]:
    """Fill the tmpfs under PostgreSQL or the last broker to the last byte, keep it full while traffic goes
    on, free it; whatever gave up (PostgreSQL or the broker stopping on a write error) is started again."""
    mount = infra.disks.get(disk)
    if mount is None:
        raise RuntimeError(f"no small disk for {disk}: only a run with its own infrastructure mounts one")
    ballast = mount / "ballast"
    began = time.monotonic()
    filled = await asyncio.to_thread(_fill, ballast)
    try:
        await asyncio.sleep(DOWN_SECONDS)
    finally:
        ballast.unlink(missing_ok=True)
    freed = time.monotonic()
    detail: dict[str, Any] = {"filled_mib": round(filled / 2**20, 1), "full_s": round(freed - began, 1)}
    if disk == "postgres":
        detail["postgres_survived"] = bool(infra.postgres_pids())
        await infra.sh("up", "postgres")  # a no-op when it kept running
        detail["back_s"] = round(time.monotonic() - began, 1)
    else:
        node = infra.brokers
        detail["broker_survived"] = infra.broker_pid(node) is not None
        await infra.sh("up", "kafka")
        detail["back_s"] = await _until(lambda: _fully_replicated(infra, prefix), began, within=180)
    return detail


def _fill(ballast: Path) -> int:
    """Write until the file system says it is full; returns the bytes written."""
    written = 0
    chunk = b"\0" * 2**20
    with ballast.open("wb", buffering=0) as file:
        while True:
            try:
                written += file.write(chunk)
            except OSError:
                # Fill the last partial MiB too: the byte-wise tail makes the disk truly full.
                for size in (2**16, 2**12, 2**9):
                    with contextlib.suppress(OSError):
                        while True:
                            written += file.write(chunk[:size])
                return written


async def replication(bootstrap: str, topic: str) -> dict[str, int]:
    """The fewest replicas of any of the topic's partitions and its min.insync.replicas, as the brokers say."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        partitions = (await admin.describe_topics([topic]))[0]["partitions"]
        described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = described[0].to_object()["resources"][0]["config_entries"]
        min_insync = next(int(e["config_value"]) for e in entries if e["config_names"] == "min.insync.replicas")
        return {"replicas": min(len(p["replicas"]) for p in partitions), "min_insync_replicas": min_insync}
    finally:
        await admin.close()


def _signal_all(pids: list[int], how: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, how)


async def _partitions(infra: Infra, prefix: str) -> list[dict[str, Any]]:
    # A dead or stopped broker is the point of these steps: aiokafka's "Unable connect" errors are expected.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        names = [name for name in await admin.list_topics() if name.startswith(prefix)]
        return [partition for topic in await admin.describe_topics(names) for partition in topic["partitions"]]
    finally:
        await admin.close()


async def _busy_broker(infra: Infra, prefix: str, avoid: int | None) -> int | None:
    """The running broker (other than `avoid`) that leads the most of the run's partitions."""
    leaders: dict[int, int] = {}
    for partition in await _partitions(infra, prefix):
        leaders[partition["leader"]] = leaders.get(partition["leader"], 0) + 1
    nodes = [n for n in range(1, infra.brokers + 1) if n != avoid and infra.broker_pid(n) is not None]
    return max(nodes, key=lambda n: leaders.get(n, 0), default=None)


async def _leads_nothing(infra: Infra, prefix: str, node: int) -> bool:
    return all(partition["leader"] != node for partition in await _partitions(infra, prefix))


async def _fully_replicated(infra: Infra, prefix: str) -> bool:
    return all(len(p["isr"]) == len(p["replicas"]) for p in await _partitions(infra, prefix))


def _async(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def wrapped() -> bool:
        return check()

    return wrapped


async def _until(check: Callable[[], Awaitable[bool]], began: float, within: float) -> float:
    """Seconds from `began` until `check` holds; TimeoutError after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(Exception):  # a metadata request to a dead broker: ask again
            if await check():
                return round(time.monotonic() - began, 1)
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {within:.0f} s: {getattr(check, '__name__', 'check')}")
        await asyncio.sleep(0.5)


async def _or_none(waiting: Awaitable[float]) -> float | None:
    try:
        return await waiting
    except TimeoutError:
        return None
