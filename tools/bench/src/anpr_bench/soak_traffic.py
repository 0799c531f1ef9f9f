"""The soak's traffic, and its samples taken while the traffic runs."""

import asyncio
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from anpr_bench.faults.cluster import Cluster
from anpr_bench.faults.plan import FRAME_IMAGES, Read
from anpr_bench.faults.traffic import Sent, send_batch, send_frames
from anpr_bench.soak_figures import Sample
from anpr_bench.soak_sampler import Sampler
from anpr_cli.processes import alive

Log = Callable[[str], None]
OnSample = Callable[[Sample], None]


@dataclass(frozen=True)
class Pace:
    batch: int = 20  # reads per POST /v1/reads/batch
    concurrency: int = 2  # batches in flight at most: a slow answer does not stop the clock
    frame_rate: float = 1.0  # frames per second offered, over the cameras in turn


class Traffic:
    """The plan's reads spread evenly over the soak, `concurrency` batches in flight at most, each read
    stamped with the moment it is sent; demo camera frames at `frame_rate`, camera after camera."""

    def __init__(
        self,
        pace: Pace,
        reads: list[Read],
        seconds: float,
        ingest: str,
        token: str,
        tokens: dict[str, str],
        tag: str,
    ) -> None:
        self.pace, self.reads, self.seconds = pace, reads, seconds
        self.ingest, self.token, self.tokens, self.tag = ingest, token, tokens, tag
        self.sent = Sent()
        self.sent_at: dict[str, float] = {}  # plate -> wall clock when its first read was posted

    async def run(self, stop: asyncio.Event) -> None:
        started = time.time()
        async with asyncio.TaskGroup() as group:  # one failing ends the other: no orphan sending on
            group.create_task(self._reads(started, stop))
            group.create_task(self._frames(started, stop))

    async def _reads(self, started: float, stop: asyncio.Event) -> None:
        size = self.pace.batch
        batches = iter(enumerate(self.reads[n : n + size] for n in range(0, len(self.reads), size)))
        every = self.seconds * size / len(self.reads)

        async def worker(client: httpx.AsyncClient) -> None:
            for n, batch in batches:
                if stop.is_set():
                    return
                await asyncio.sleep(max(0.0, started + n * every - time.time()))
                posted = time.time()
                now = datetime.fromtimestamp(posted, UTC)
                for read in batch:
                    self.sent_at.setdefault(read.plate, posted)
                # Observed when sent: an hour-old observation at the end of a long soak would not be steady traffic.
                await send_batch(client, [dataclasses.replace(read, observed_at=now) for read in batch], self.sent)
                if self.sent.refused:
                    raise RuntimeError(f"ingest refused reads: {self.sent.refused[:3]}")

        headers = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.ingest, headers=headers, timeout=60) as client:
            await asyncio.gather(*(worker(client) for _ in range(self.pace.concurrency)))

    async def _frames(self, started: float, stop: asyncio.Event) -> None:
        if not self.pace.frame_rate:
            return
        for n in range(round(self.seconds * self.pace.frame_rate)):
            if stop.is_set():
                return
            await asyncio.sleep(max(0.0, started + n / self.pace.frame_rate - time.time()))
            frame = (n, FRAME_IMAGES[n % len(FRAME_IMAGES)])
            await send_frames(self.ingest, self.tokens, [frame], self.tag, self.sent, 0)  # retries a 503
            if self.sent.refused:
                raise RuntimeError(f"ingest refused a frame: {self.sent.refused[:3]}")


async def sample_while(
    traffic: Traffic, sampler: Sampler, cluster: Cluster, every: float, on_sample: OnSample, log: Log
) -> list[Sample]:
    """Samples at 0, `every` seconds and once more when the traffic is done. A service that dies
    stops the traffic: what follows would measure a broken pipeline."""
    stop = asyncio.Event()
    sending = asyncio.create_task(traffic.run(stop))
    samples: list[Sample] = []
    began = time.monotonic()
    try:
        while True:
            samples.append(await sampler.sample(time.monotonic() - began))
            on_sample(samples[-1])
            dead = [instance for instance, pid in cluster.pids().items() if not alive(pid)]
            if dead and not stop.is_set():
                log(f"{dead[0].name} died; the traffic stops. Last lines of its log:\n{cluster.tail(dead[0])}")
                stop.set()
            if sending.done():
                break
            due = began + len(samples) * every
            await asyncio.wait({sending}, timeout=max(0.0, due - time.monotonic()))
            if sending.done() and time.monotonic() < due:
                samples.append(await sampler.sample(time.monotonic() - began))  # where the traffic ended
                on_sample(samples[-1])
                break
        await sending  # its error, if any, is the soak's
    finally:
        sending.cancel()
    return samples
