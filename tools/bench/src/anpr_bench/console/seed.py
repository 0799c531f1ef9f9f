"""The bench's data, through the services' own paths: candidates as CandidateRaised events on notices'
topic (notices stores a fetched batch in one transaction), permits as CSV through exemptions'
POST /v1/exemptions/import. Both into the run's own database and topics, so the demo's data is never seen."""

import asyncio
import io
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from PIL import Image
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from anpr_contracts import CANDIDATES, CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes

REGIMES = ("milieuzone-centrum", "zero-emissie-logistiek", "autoluw-binnenstad", "venstertijden-markt")
LOCATIONS = tuple(f"loc-{n:02d}" for n in range(1, 25))
KINDS = ("resident", "business", "works", "market", "disabled")
_LETTERS, _DIGITS = "BDFGHJKLNPRSTVXZ", "0123456789"
# Rows per import request (exemptions refuses more than ANPR_EXEMPTIONS_IMPORT_MAX_ROWS, default 5,000),
# and requests in flight: exemptions grants each row in its own transaction and waits for Kafka's
# acknowledgement of its event, so one request is bound by that latency, not by CPU; several overlap.
IMPORT_ROWS = 1_000
IMPORTS_IN_FLIGHT = 8
SEND_BATCH = 2_000  # events sent before their acknowledgements are awaited


def plates(count: int, rng: random.Random) -> list[str]:
    """Distinct plates shaped like Dutch side codes (99-XXX-9, XX-999-X, ...), without real owners."""
    found: set[str] = set()
    shapes = ("DDLLLD", "LLDDDL", "DLLLDD", "LLLDDL")
    while len(found) < count:
        shape = rng.choice(shapes)
        found.add("".join(rng.choice(_DIGITS if c == "D" else _LETTERS) for c in shape))
    return sorted(found)


def _jpeg(size: tuple[int, int], shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, shade).save(out, format="JPEG", quality=50)
    return out.getvalue()


def candidates(count: int, vehicles: list[str], now: datetime, rng: random.Random) -> list[CandidateRaised]:
    """Seen over the last 23 hours (the statistics screen's default day covers them all); vehicles recur,
    so the offender history has something to show. Small images: the page time is not the photo's."""
    plate_jpeg, overview_jpeg = _jpeg((120, 30), 200), _jpeg((320, 240), 90)
    events = []
    for n in range(count):
        read = PlateRecognized(
            source=ReadSource.CAMERA,
            camera_id=f"cam-{n % 12:02d}",
            location_id=rng.choice(LOCATIONS),
            observed_at=now - timedelta(hours=23) + timedelta(hours=23) * (n / max(1, count)),
            plate=rng.choice(vehicles),
            country="NL",
            confidence=round(rng.uniform(0.8, 0.99), 3),
            box=(10, 20, 130, 50),
            plate_jpeg=plate_jpeg,
            overview_jpeg=overview_jpeg,
        )
        regime = rng.choice(REGIMES)
        events.append(
            CandidateRaised(
                candidate_key=f"{regime}:{read.read_id}",
                read=read,
                regime_id=regime,
                regime_version="bench",
                mode=RegimeMode.ENFORCE,
                legal_reference="RVV 1990 art. 86t, bord C22a",
                fine_eur=120,
                explanation=("bench candidate",),
                vehicle={"brandstof": "Diesel", "emissieklasse": 3},
                correlation_id=read.correlation_id,
            )
        )
    return events


def permits_csv(plates_: list[str], first: int, rng: random.Random) -> str:
    """One import file: permits of every kind but the day-permit (that one has a yearly quota per plate)."""
    lines = ["plate,kind,regimes,zones,valid_from,valid_until,reference,issuer"]
    for n, plate in enumerate(plates_, start=first):
        regime = rng.choice((*REGIMES, ""))  # "" = every regime
        lines.append(f"{plate},{rng.choice(KINDS)},{regime},,2026-01-01,2027-12-31,BENCH-{n:06d},bench")
    return "\n".join(lines) + "\n"


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    )


async def publish_candidates(bootstrap: str, prefix: str, events: list[CandidateRaised], dsn: str) -> float:
    """Publish, then wait until notices has stored them all; returns the seconds that took."""
    started = time.monotonic()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    with progress() as bar:
        sent = bar.add_task("candidates published", total=len(events))
        stored = bar.add_task("candidates stored by notices", total=len(events))
        try:
            topic = f"{prefix}{CANDIDATES.name}"
            for at in range(0, len(events), SEND_BATCH):
                chunk = events[at : at + SEND_BATCH]
                pending = [await producer.send(topic, event_to_bytes(e), key=e.read.plate.encode()) for e in chunk]
                await asyncio.gather(*pending)
                bar.update(sent, advance=len(chunk))
        finally:
            await producer.stop()
        await _wait_stored(dsn, len(events), lambda done: bar.update(stored, completed=done))
    return time.monotonic() - started


async def _wait_stored(dsn: str, expected: int, show: Callable[[int], None], within: float = 1800) -> None:
    deadline, last, last_change = time.monotonic() + within, -1, time.monotonic()
    while True:
        connection = await asyncpg.connect(dsn)
        try:
            done = int(await connection.fetchval("SELECT count(*) FROM notices.candidates"))
        finally:
            await connection.close()
        show(done)
        if done >= expected:
            return
        if done != last:
            last, last_change = done, time.monotonic()
        if time.monotonic() > deadline or time.monotonic() - last_change > 120:
            raise TimeoutError(f"notices stored {done:,} of {expected:,} candidates; see its log")
        await asyncio.sleep(1)


async def import_permits(exemptions: str, admin: str, vehicles: list[str], rng: random.Random) -> float:
    """CSV imports of IMPORT_ROWS rows, IMPORTS_IN_FLIGHT at a time."""
    started = time.monotonic()
    files = [(at, vehicles[at : at + IMPORT_ROWS]) for at in range(0, len(vehicles), IMPORT_ROWS)]
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "text/csv"}
    queue = iter(files)
    async with httpx.AsyncClient(base_url=exemptions, headers=headers, timeout=900) as client:
        with progress() as bar:
            task = bar.add_task("permits imported by exemptions", total=len(vehicles))

            async def worker() -> None:
                for first, chunk in queue:
                    response = await client.post("/v1/exemptions/import", content=permits_csv(chunk, first, rng))
                    if response.status_code != 200:
                        raise RuntimeError(f"import answered {response.status_code}: {response.text[:300]}")
                    if errors := response.json().get("errors"):
                        raise RuntimeError(f"import refused {len(errors)} rows, the first: {errors[0]}")
                    bar.update(task, advance=len(chunk))

            await asyncio.gather(*(worker() for _ in range(IMPORTS_IN_FLIGHT)))
    return time.monotonic() - started


async def decide(notices: str, token: str, count: int, show: Progress) -> None:
    """`count` of the newest pending candidates accepted by one reviewer through notices' API, so the
    statistics screen has reviewer throughput to show (and reviewer names to look up in the audit trail)."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "review"}
    async with httpx.AsyncClient(base_url=notices, headers=headers, timeout=60) as client:
        params: dict[str, str | int] = {"status": "pending", "order": "newest", "limit": min(count, 500)}
        ids: list[str] = []
        while len(ids) < count:
            page = await client.get("/v1/candidates", params=params)
            page.raise_for_status()
            ids += [str(c["id"]) for c in page.json()][: count - len(ids)]
            if not (after := page.headers.get("X-Next-Before")):
                break
            params["before"] = after
        task = show.add_task("candidates decided by a reviewer", total=len(ids))
        queue = iter(ids)

        async def worker() -> None:
            for candidate in queue:
                answer = await client.post(f"/v1/candidates/{candidate}/decision", json={"decision": "accept"})
                if answer.status_code != 200:
                    raise RuntimeError(f"decision answered {answer.status_code}: {answer.text[:300]}")
                show.update(task, advance=1)

        await asyncio.gather(*(worker() for _ in range(4)))
