"""Image bombs (issue 17): a JPEG of 660 KB that declares 13000x13000 pixels (500 MB once decoded to RGB).

Ingest refuses it from its header. A bomb that reaches the frames topic another way is dead-lettered
unread by recognition. And a frame that kills recognition anyway (here: its pixel limit raised above a
progressive bomb, which costs its full size even decoded at 1/8, in a process whose memory is capped) is
dead-lettered after two deaths, the third process reading on. The deaths are real: `anpr run recognition`
processes, SIGKILLed above a memory cap by this test as the kernel's OOM killer does to a container at its
limit.
"""

import asyncio
import contextlib
import os
import signal
import struct
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient

from anpr_cli.processes import free_port, rss_mib, start_detached, stop_group, wait_http_ready
from anpr_contracts import DLQ, FRAMES, READS, FrameCaptured, PlateRecognized, event_to_bytes, parse_event
from anpr_runtime.auth import Role

from .conftest import TEST_CAMERA
from .host import ROLE_TOKENS, ServiceHost

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PLATE_FRAME = ROOT / "deploy" / "demo" / "frames" / "c12_28.jpg"  # 72-TBZ-9
# What a capped container has beyond the idle service: a real frame's work fits many times over, the
# bomb's decode (some 2 GB at its peak) does not.
MEMORY_CAP_MIB = 600


def bomb_jpeg(width: int, height: int) -> bytes:
    """A valid grey JPEG of the declared size that costs 2 bits per 8x8 block: every block flat, coded with
    one-code Huffman tables (DC difference 0, then end of block)."""

    def segment(marker: int, body: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body

    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    blocks = -(-width // 8) * -(-height // 8)
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xDB, b"\x00" + b"\x01" * 64),  # quantisation table 0
            segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),  # baseline, 1 component
            segment(0xC4, b"\x00" + one_code),  # DC table 0
            segment(0xC4, b"\x10" + one_code),  # AC table 0
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),  # scan of component 1
            bytes(-(-blocks * 2 // 8)),
            b"\xff\xd9",
        ]
    )


def progressive_bomb_jpeg(width: int, height: int) -> bytes:
    """The same trick as a progressive colour JPEG with only its first (DC) scan: 3 bits per 8x8 block. A
    progressive JPEG keeps every block's coefficients until its last scan, so libjpeg holds 128 bytes per
    block and component for the whole image even when it decodes at 1/8 size (Pillow's draft, which turns
    the baseline bomb above into a small picture): 12000x12000 costs some 860 MB however it is decoded."""

    def segment(marker: int, body: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body

    one_code = bytes([1] + [0] * 15) + b"\x00"
    blocks = -(-width // 8) * -(-height // 8)
    components = b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"  # id, 1x1 sampling, quantisation table 0
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xDB, b"\x00" + b"\x01" * 64),
            segment(0xC2, struct.pack(">BHHB", 8, height, width, 3) + components),  # progressive
            segment(0xC4, b"\x00" + one_code),  # DC table 0
            segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x00\x00"),  # DC first scan of all three
            bytes(-(-blocks * 3 // 8)),
            b"\xff\xd9",
        ]
    )


BOMB = bomb_jpeg(13000, 13000)
# What kills a process whose pixel limit was raised above it, reduced-size decoding or not.
KILLER = progressive_bomb_jpeg(12000, 12000)


def test_the_bomb_is_small_and_declares_169_megapixels() -> None:
    assert len(BOMB) < 1024 * 1024
    assert struct.unpack(">HH", BOMB[BOMB.index(b"\xff\xc0") + 5 :][:4]) == (13000, 13000)
    assert len(KILLER) < 1024 * 1024
    assert struct.unpack(">HH", KILLER[KILLER.index(b"\xff\xc2") + 5 :][:4]) == (12000, 12000)


def test_ingest_refuses_the_bomb_413_naming_the_limit(host: ServiceHost) -> None:
    response = host.request(
        "ingest",
        "POST",
        "/v1/frames",
        content=BOMB,
        headers={
            "Authorization": f"Bearer {ROLE_TOKENS[Role.CAMERA]}",
            "Content-Type": "image/jpeg",
            "X-Camera-Id": TEST_CAMERA,
            "X-Captured-At": datetime.now(UTC).isoformat(),
        },
    )

    assert response.status_code == 413, response.text
    assert "13000x13000" in response.json()["detail"]
    assert "limit is 25000000 pixels" in response.json()["detail"]


@dataclass
class Recognition:
    """`anpr run recognition` processes one after another under one consumer group, as a deployment
    restarts its container; each is killed when it takes more than MEMORY_CAP_MIB beyond its idle size."""

    env: dict[str, str]
    logs: Path
    deaths: int = 0
    started: int = 0
    process: subprocess.Popen[bytes] | None = None
    idle_mib: float = 0.0
    log_tails: list[str] = field(default_factory=list)

    async def start(self) -> None:
        port = free_port()
        self.started += 1
        log = self.logs / f"recognition-{self.started}.log"
        argv = [sys.executable, "-m", "anpr_cli.main", "run", "recognition"]
        env = {**self.env, "ANPR_RECOGNITION_PORT": str(port)}
        self.process = start_detached(argv, log, self.logs / f"recognition-{self.started}.pid", env)
        process = self.process
        ready = await asyncio.to_thread(
            wait_http_ready, f"http://127.0.0.1:{port}/readyz", 180, lambda: process.poll() is None
        )
        assert ready, f"recognition did not start:\n{log.read_text(errors='replace')[-3000:]}"
        # The first process is measured before any frame is published. A restarted one finds the killer
        # waiting and may be decoding it already when it is ready: measured then, its cap would be raised
        # by the very allocation it is there to catch. Every process loads the same models.
        if not self.idle_mib:
            self.idle_mib = rss_mib(process.pid) or 0.0

    async def watch(self) -> None:
        """Until this process dies: killed above the cap (the OOM killer), or ending on its own."""
        assert self.process is not None
        while self.process.poll() is None:
            rss = rss_mib(self.process.pid)
            if rss is not None and rss > self.idle_mib + MEMORY_CAP_MIB:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                await asyncio.to_thread(self.process.wait)
                break
            await asyncio.sleep(0.02)
        self.deaths += 1
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process.pid, timeout=20)
            self.process.wait(timeout=5)
            self.process = None


@contextlib.asynccontextmanager
async def recognition(tmp_path: Path, infra: dict[str, str], **settings: str) -> AsyncIterator[Recognition]:
    prefix = f"bomb{uuid.uuid4().hex[:8]}."
    env = {
        **os.environ,
        "ANPR_ENV": "development",  # this test's own plaintext Kafka and PostgreSQL on 127.0.0.1
        "KAFKA_BOOTSTRAP": infra["KAFKA_BOOTSTRAP"],
        "DATABASE_URL": infra["DATABASE_URL"],
        "ANPR_ADMIN_TOKEN": "bomb-admin-token",
        "ANPR_PSEUDONYM_KEY": f"bomb-key-{prefix}",
        "ANPR_TOPIC_PREFIX": prefix,
        "ANPR_RECOGNITION_CONSUMER_GROUP": f"{prefix}recognition",
        "ANPR_RECOGNITION_ONNX_THREADS": "1",
        "ANPR_RECOGNITION_PASSAGE_WINDOW_SECONDS": "0",  # every frame's reads at once
        "ANPR_RETRY_INITIAL_SECONDS": "0.05",
        "ANPR_RETRY_MAX_SECONDS": "0.5",
        **settings,
    }
    service = Recognition(env, tmp_path)  # it creates its topics when it starts
    try:
        yield service
    finally:
        service.stop()


def topic(service: Recognition, name: str) -> str:
    return service.env["ANPR_TOPIC_PREFIX"] + name


async def publish(service: Recognition, frames: list[FrameCaptured]) -> list[int]:
    """Straight onto the frames topic, as a compromised gateway or a replay would: offsets, all on one
    partition (keyed by camera)."""
    producer = AIOKafkaProducer(bootstrap_servers=service.env["KAFKA_BOOTSTRAP"], max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(topic(service, FRAMES.name), event_to_bytes(f), key=f.camera_id.encode())
            for f in frames
        ]
    finally:
        await producer.stop()
    assert len({m.partition for m in sent}) == 1
    return [m.offset for m in sent]


def frames_of(run: str, bomb: bytes = BOMB) -> list[FrameCaptured]:
    """A plate, the bomb, the plate again: the frame after the bomb must still be read."""
    now = datetime.now(UTC)
    plate = PLATE_FRAME.read_bytes()
    images = {"before": plate, "bomb": bomb, "after": plate}
    return [
        FrameCaptured(
            frame_id=f"{name}-{run}",
            camera_id=f"cam-bomb-{run}",
            captured_at=now + timedelta(milliseconds=100 * n),
            image_jpeg=image,
            correlation_id=f"{name}-{run}",
        )
        for n, (name, image) in enumerate(images.items())
    ]


async def records(bootstrap: str, name: str) -> list[ConsumerRecord[bytes, bytes]]:
    """What the topic holds now."""
    reader = AIOKafkaConsumer(name, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await reader.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        for batch in (await reader.getmany(timeout_ms=1500)).values():
            found.extend(batch)
        while batches := await reader.getmany(timeout_ms=300):
            for batch in batches.values():
                found.extend(batch)
    finally:
        await reader.stop()
    return found


async def committed(service: Recognition) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=service.env["KAFKA_BOOTSTRAP"])
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(service.env["ANPR_RECOGNITION_CONSUMER_GROUP"])
    finally:
        await admin.close()
    return max((meta.offset for tp, meta in offsets.items() if tp.topic == topic(service, FRAMES.name)), default=-1)


async def read_frames(service: Recognition) -> set[str]:
    reads = [
        parse_event(r.value or b"") for r in await records(service.env["KAFKA_BOOTSTRAP"], topic(service, READS.name))
    ]
    return {read.frame_id or "" for read in reads if isinstance(read, PlateRecognized)}


async def dead_letters(service: Recognition) -> list[dict[str, bytes]]:
    return [dict(r.headers) for r in await records(service.env["KAFKA_BOOTSTRAP"], topic(service, DLQ.name))]


@pytest.mark.timeout(600)
async def test_a_bomb_on_the_frames_topic_is_dead_lettered_unread_and_the_next_frame_is_read(
    infra: dict[str, str], tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    async with recognition(tmp_path, infra) as service:
        await service.start()
        watching = asyncio.create_task(service.watch())
        offsets = await publish(service, frames_of(run))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 240
        while await committed(service) < offsets[-1] + 1 and not watching.done() and loop.time() < deadline:
            await asyncio.sleep(0.5)
        alive = not watching.done()
        watching.cancel()
        letters = await dead_letters(service)
        read = await read_frames(service)

    assert alive, "recognition survived the bomb"
    assert service.deaths == 0
    assert [(h["dlq.offset"], h["dlq.error_type"]) for h in letters] == [(str(offsets[1]).encode(), b"FrameTooLarge")]
    assert read == {f"before-{run}", f"after-{run}"}


@pytest.mark.timeout(900)
async def test_a_frame_that_killed_recognition_twice_is_dead_lettered_and_the_third_process_reads_on(
    infra: dict[str, str], tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    # The bomb slips through recognition's own check: a frame that kills a process for any reason.
    async with recognition(tmp_path, infra, ANPR_RECOGNITION_MAX_FRAME_PIXELS="200000000") as service:
        await service.start()
        offsets = await publish(service, frames_of(run, KILLER))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 600
        watching = asyncio.create_task(service.watch())
        while await committed(service) < offsets[-1] + 1 and loop.time() < deadline:
            if watching.done():
                assert service.deaths <= 3, "a third death: the guard did not hold"
                await service.start()
                watching = asyncio.create_task(service.watch())
            await asyncio.sleep(1)
        survived = not watching.done()
        watching.cancel()
        letters = await dead_letters(service)
        read = await read_frames(service)

    assert service.deaths == 2, f"{service.deaths} deaths"
    assert survived, "the third process goes on"
    assert [(h["dlq.offset"], h["dlq.error_type"]) for h in letters] == [(str(offsets[1]).encode(), b"PoisonMessage")]
    assert read == {f"before-{run}", f"after-{run}"}
