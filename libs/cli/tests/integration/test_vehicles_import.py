"""`anpr vehicles import` with two rules instances running: both switch to the new registry by
themselves (no POST /v1/vehicles/reload), and a read of an imported plate is then judged with its data.

The instances are two real rules apps in this process, in one consumer group, against the real broker
and database: one keeps its snapshot where the import writes one (local), the other in a directory of
its own (a pod's volume), so one switches by mapping the new snapshot or applying the delta and the other
by the delta. The import runs as the operator runs it: the `anpr` command, in a process of its own."""

import asyncio
import contextlib
import os
import re
import shutil
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from anpr_contracts import CANDIDATES, READS, CandidateRaised, PlateRecognized, ReadSource, event_to_bytes, parse_event
from anpr_rules import SPEC, RulesSettings, create_app, import_vehicles
from anpr_runtime.db import create_engine, run_migrations

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
FILES = ("voertuigen.csv", "brandstof.csv", "bijzonderheden.csv", "carrosserie.csv", "carrosserie_specifiek.csv")
ADMIN = {"Authorization": "Bearer test-admin-token"}
POLL_SECONDS = 2
# Three vehicles the demo registry does not have: an old diesel car (a candidate in the milieuzone), an
# electric one and a new petrol one (neither is).
NEW = {
    "ZD100A": ("ZD100A,Personenauto,OPEL,ASTRA,M1,hatchback,20030301,1700,1250,GRIJS", "ZD100A,1,Diesel,3,EURO 3"),
    "ZE200B": ("ZE200B,Personenauto,TESLA,MODEL 3,M1,sedan,20220601,2200,1850,WIT", "ZE200B,1,Elektriciteit,,"),
    "ZB300C": ("ZB300C,Personenauto,KIA,PICANTO,M1,hatchback,20190410,1300,950,ROOD", "ZB300C,1,Benzine,6,EURO 6"),
}


async def import_demo(database_url: str) -> None:
    await run_migrations(database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(database_url)
    try:
        await import_vehicles(
            engine,
            DEMO / "voertuigen.csv",
            DEMO / "brandstof.csv",
            [DEMO / "bijzonderheden.csv"],
            [DEMO / "carrosserie.csv", DEMO / "carrosserie_specifiek.csv"],
        )
    finally:
        await engine.dispose()


def files_with_three_more(directory: Path) -> Path:
    for name in FILES:
        shutil.copy(DEMO / name, directory / name)
    with (directory / "voertuigen.csv").open("a") as base, (directory / "brandstof.csv").open("a") as fuel:
        for base_row, fuel_row in NEW.values():
            base.write(base_row + "\n")
            fuel.write(fuel_row + "\n")
    return directory


async def anpr_vehicles_import(settings: RulesSettings, files: Path, snapshot_dir: Path) -> str:
    env = os.environ | {
        "ANPR_ENV": "development",
        "DATABASE_URL": settings.database_url,
        "ANPR_PSEUDONYM_KEY": settings.pseudonym_key.get_secret_value(),
        "ANPR_RULES_SNAPSHOT_DIR": str(snapshot_dir),
        "ANPR_RULES_REGISTRY_POLL_SECONDS": str(POLL_SECONDS),
    }
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "anpr"),
        "vehicles",
        "import",
        "--base",
        str(files / "voertuigen.csv"),
        "--fuel",
        str(files / "brandstof.csv"),
        "--special",
        str(files / "bijzonderheden.csv"),
        "--body",
        str(files / "carrosserie.csv"),
        "--body",
        str(files / "carrosserie_specifiek.csv"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    text = out.decode()
    assert process.returncode == 0, text
    return text


def a_read(plate: str) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-it",
        location_id="loc-centrum-noord",
        zone_id="centrum",
        observed_at=datetime.now(UTC),
        plate=plate,
        country="NL",
        confidence=0.95,
    )


@contextlib.asynccontextmanager
async def candidates(settings: RulesSettings) -> AsyncIterator[list[CandidateRaised]]:
    found: list[CandidateRaised] = []
    consumer = AIOKafkaConsumer(
        settings.topic(CANDIDATES.name), bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()

    async def listen() -> None:
        while True:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    event = parse_event(record.value or b"")
                    assert isinstance(event, CandidateRaised)
                    found.append(event)

    task = asyncio.create_task(listen())
    try:
        yield found
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await consumer.stop()


async def status(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/v1/status")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_an_import_is_honoured_by_two_running_instances_without_a_reload(
    isolated: Callable[..., Any], run_app: Callable[..., Any], tmp_path: Path
) -> None:
    shared, own = tmp_path / "shared-snapshots", tmp_path / "pod-b-snapshots"
    first: RulesSettings = isolated(RulesSettings, snapshot_dir=shared, registry_poll_seconds=POLL_SECONDS)
    second = first.model_copy(update={"snapshot_dir": own})
    await import_demo(first.database_url)
    apps = [create_app(first), create_app(second)]
    producer = AIOKafkaProducer(bootstrap_servers=first.kafka_bootstrap)
    await producer.start()
    try:
        async with run_app(apps[0]), run_app(apps[1]), candidates(first) as found:
            clients = [
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rules", headers=ADMIN)
                for app in apps
            ]
            deadline = time.monotonic() + 60
            for client in clients:
                while (await client.get("/readyz")).status_code != 200:
                    assert time.monotonic() < deadline, (await client.get("/readyz")).text
                    await asyncio.sleep(0.2)
            before = [await status(client) for client in clients]

            said = await anpr_vehicles_import(first, files_with_three_more(tmp_path), shared)
            imported = time.monotonic()
            version = int(re.search(r"registry version (\d+)", said).group(1))  # type: ignore[union-attr]
            while not all([(await status(c))["registry_version"] == version for c in clients]):
                assert time.monotonic() - imported < 60, [await status(c) for c in clients]
                await asyncio.sleep(0.2)
            took = time.monotonic() - imported
            after = [await status(client) for client in clients]
            again = await anpr_vehicles_import(first, tmp_path, shared)  # the same files: nothing to switch to

            for plate in NEW:
                await producer.send_and_wait(first.topic(READS.name), event_to_bytes(a_read(plate)), key=plate.encode())
            deadline = time.monotonic() + 30
            while not any(c.read.plate == "ZD100A" for c in found):
                assert time.monotonic() < deadline, "the imported old diesel car raised no candidate"
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)
            for client in clients:
                await client.aclose()
    finally:
        await producer.stop()
        await import_demo(first.database_url)

    assert f"will switch within {POLL_SECONDS} s" in said, said
    assert f"registry version {version} unchanged" in again, again
    assert took < POLL_SECONDS + 10, f"the instances took {took:.1f} s to switch"
    assert [s["vehicles"] for s in after] == [s["vehicles"] + 3 for s in before]
    assert all(s["registry_version"] < version for s in before)
    raised = [c for c in found if c.read.plate in NEW]
    assert [c.read.plate for c in raised] == ["ZD100A"]  # judged with its data: diesel, class 3
    assert raised[0].enforceable
    assert not any("not in the vehicle registry" in line for line in raised[0].explanation)
    assert raised[0].vehicle["brandstof"] == "Diesel"


async def test_an_import_whose_snapshot_cannot_be_written_still_imports(
    isolated: Callable[..., Any], tmp_path: Path
) -> None:
    settings: RulesSettings = isolated(RulesSettings)
    (tmp_path / "a-file").write_text("not a directory")
    await import_demo(settings.database_url)
    files = files_with_three_more(tmp_path)
    try:
        said = await anpr_vehicles_import(settings, files, tmp_path / "a-file" / "snapshots")
    finally:
        await import_demo(settings.database_url)

    assert "3 added" in said, said
    assert f"snapshot not written to {tmp_path / 'a-file' / 'snapshots'}" in said, said
    assert "will switch within" in said
