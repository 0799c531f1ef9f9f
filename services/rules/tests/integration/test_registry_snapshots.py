"""The compact vehicle index against the real database and broker: an instance maps the snapshot an
import wrote, refuses a bad one and rebuilds it from PostgreSQL, follows a later import by its delta, and
is not ready and takes no partitions while it is still loading.

Every test leaves the registry as the demo snapshot makes it (other tests and the demo rely on it)."""

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.rdw_import import ImportReport, import_vehicles
from anpr_rules.adapters.registry_follow import build_snapshot
from anpr_rules.adapters.vehicle_snapshot import Stamp, newest, write_snapshot
from anpr_rules.bootstrap import SPEC, RulesComponents
from anpr_rules.config import RulesSettings
from anpr_rules.entrypoints.api import create_app
from anpr_runtime.db import create_engine, run_migrations

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
FILES = ("voertuigen.csv", "brandstof.csv", "bijzonderheden.csv", "carrosserie.csv", "carrosserie_specifiek.csv")
ADMIN = {"Authorization": "Bearer test-admin-token"}
NEW_CAR = "ZB123Z,Personenauto,FIAT,PANDA,M1,hatchback,20040101,1500,1100,ROOD\n"


@pytest.fixture
async def engine(infra: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    await run_migrations(infra["DATABASE_URL"], SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(infra["DATABASE_URL"])
    await import_demo(engine)
    yield engine
    await import_demo(engine)
    await engine.dispose()


async def import_demo(engine: AsyncEngine, directory: Path = DEMO) -> ImportReport:
    return await import_vehicles(
        engine,
        directory / "voertuigen.csv",
        directory / "brandstof.csv",
        special=[directory / "bijzonderheden.csv"],
        body=[directory / "carrosserie.csv", directory / "carrosserie_specifiek.csv"],
    )


def demo_with_a_new_car(directory: Path) -> Path:
    for name in FILES:
        shutil.copy(DEMO / name, directory / name)
    with (directory / "voertuigen.csv").open("a") as base:
        base.write(NEW_CAR)
    with (directory / "brandstof.csv").open("a") as fuel:
        fuel.write("ZB123Z,1,Diesel,3,EURO 3\n")
    return directory


async def status(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/v1/status")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def until_ready(client: httpx.AsyncClient, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (await client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, (await client.get("/readyz")).text
        await asyncio.sleep(0.1)


def client_of(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rules", headers=ADMIN)


async def test_an_instance_maps_the_snapshot_the_import_wrote(
    engine: AsyncEngine, isolated: Callable[..., Any], run_app: Callable[..., Any], tmp_path: Path
) -> None:
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "snapshots")
    written, stamp = await build_snapshot(engine, settings.snapshot_dir, settings.pseudonym_key.get_secret_value())
    made = written.stat().st_mtime_ns
    app = create_app(settings)
    async with run_app(app), client_of(app) as client:
        await until_ready(client)
        now = await status(client)
        parts = app.state.resources.component(RulesComponents)
        assert parts.vehicles.get("63HKHD") is not None

    assert (now["vehicle_snapshot"], now["registry_version"]) == (written.name, stamp.version)
    assert written.stat().st_mtime_ns == made  # mapped as it was, not rebuilt


@pytest.mark.parametrize("damage", ["truncated", "another key", "another database"])
async def test_a_bad_snapshot_is_refused_and_rebuilt_from_postgresql(
    engine: AsyncEngine,
    isolated: Callable[..., Any],
    run_app: Callable[..., Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "snapshots")
    key = settings.pseudonym_key.get_secret_value()
    if damage == "another key":
        key = "some-other-deployment's-key"
    path, stamp = await build_snapshot(engine, settings.snapshot_dir, key)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-100])
    if damage == "another database":  # a whole file of the same version number under another token
        path.unlink()
        write_snapshot(settings.snapshot_dir, Stamp(stamp.version, "another-database"), [], key)
    app = create_app(settings)
    caplog.set_level("WARNING", logger="anpr_rules")
    async with run_app(app), client_of(app) as client:
        await until_ready(client)
        now = await status(client)
        parts = app.state.resources.component(RulesComponents)
        found = parts.vehicles.get("63HKHD")

    refusal = {"truncated": "truncated", "another key": "another pseudonym key", "another database": "another database"}
    assert any(refusal[damage] in r.getMessage() and "refused" in r.getMessage() for r in caplog.records)
    assert found is not None
    assert found.fuels == ("Diesel",)
    assert now["registry_version"] == stamp.version
    assert now["vehicles"] > 100
    rebuilt = newest(settings.snapshot_dir)
    assert rebuilt is not None
    assert rebuilt.name == now["vehicle_snapshot"]


async def test_a_later_import_is_followed_by_its_delta_without_a_reload(
    engine: AsyncEngine, isolated: Callable[..., Any], run_app: Callable[..., Any], tmp_path: Path
) -> None:
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "snapshots", registry_poll_seconds=0.2)
    app = create_app(settings)
    async with run_app(app), client_of(app) as client:
        await until_ready(client)
        before = await status(client)
        parts = app.state.resources.component(RulesComponents)
        assert parts.vehicles.get("ZB123Z") is None

        report = await import_demo(engine, demo_with_a_new_car(tmp_path))
        deadline = time.monotonic() + 30
        while (now := await status(client))["registry_version"] != report.registry.version:
            assert time.monotonic() < deadline, now
            await asyncio.sleep(0.1)
        added = parts.vehicles.get("ZB123Z")

        await import_demo(engine)  # and back: the car leaves the registry again
        deadline = time.monotonic() + 30
        while (await status(client))["registry_version"] == report.registry.version:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        gone = parts.vehicles.get("ZB123Z")

    assert added is not None
    assert (added.fuels, added.registered_emission_class) == (("Diesel",), 3)
    assert (now["vehicles"], now["vehicle_changes_since_snapshot"]) == (before["vehicles"] + 1, 1)
    assert now["vehicle_snapshot"] == before["vehicle_snapshot"]  # a delta, not a new snapshot
    assert gone is None


async def test_while_loading_the_instance_is_not_ready_and_takes_no_partitions(
    engine: AsyncEngine, isolated: Callable[..., Any], run_app: Callable[..., Any], tmp_path: Path
) -> None:
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "snapshots")
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    # The registry locked by someone else: the instance's build waits (as a national build takes minutes).
    locker = await engine.connect()
    transaction = await locker.begin()
    await locker.exec_driver_sql("LOCK TABLE rules.vehicles IN ACCESS EXCLUSIVE MODE")
    try:
        app = create_app(settings)
        async with run_app(app), client_of(app) as client:
            await asyncio.sleep(3)
            loading = await client.get("/readyz")
            members_loading = await members(admin, settings.consumer_group)
            await transaction.rollback()
            await until_ready(client)
            deadline = time.monotonic() + 30
            while not (members_ready := await members(admin, settings.consumer_group)):
                assert time.monotonic() < deadline, "the consumer never joined its group"
                await asyncio.sleep(0.2)
    finally:
        if transaction.is_active:
            await transaction.rollback()
        await locker.close()
        await admin.close()

    assert loading.status_code == 503
    assert "vehicle" in loading.text
    assert members_loading == 0
    assert members_ready == 1


async def members(admin: AIOKafkaAdminClient, group: str) -> int:
    """Members of the consumer group (a DescribeGroups group is error, id, state, protocol type, protocol,
    members, ...)."""
    return sum(len(found[5]) for response in await admin.describe_consumer_groups([group]) for found in response.groups)


async def test_a_directory_that_cannot_be_written_still_gives_a_ready_instance(
    engine: AsyncEngine, isolated: Callable[..., Any], run_app: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "a-file" / "snapshots")
    app = create_app(settings)
    async with run_app(app), client_of(app) as client:
        await until_ready(client)
        now = await status(client)
        found = app.state.resources.component(RulesComponents).vehicles.get("63HKHD")

    assert found is not None
    assert now["vehicle_snapshot"] is None
    assert now["vehicles"] > 100


async def test_an_import_too_large_for_a_delta_is_followed_by_a_new_snapshot(
    engine: AsyncEngine,
    isolated: Callable[..., Any],
    run_app: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings: RulesSettings = isolated(RulesSettings, snapshot_dir=tmp_path / "snapshots", registry_poll_seconds=0.2)
    app = create_app(settings)
    async with run_app(app), client_of(app) as client:
        await until_ready(client)
        before = await status(client)
        monkeypatch.setattr("anpr_rules.adapters.registry_versions.DELTA_LIMIT", 0)  # no delta kept

        report = await import_demo(engine, demo_with_a_new_car(tmp_path))
        deadline = time.monotonic() + 30
        while (now := await status(client))["registry_version"] != report.registry.version:
            assert time.monotonic() < deadline, now
            await asyncio.sleep(0.1)
        added = app.state.resources.component(RulesComponents).vehicles.get("ZB123Z")

    assert added is not None
    assert now["vehicle_snapshot"] != before["vehicle_snapshot"]  # rebuilt: a snapshot of the new version
    assert now["vehicle_snapshot"] == f"vehicles-v{report.registry.version:012d}.snap"
    assert now["vehicle_changes_since_snapshot"] == 0
