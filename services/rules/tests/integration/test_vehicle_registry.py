"""Against the real database: the RDW import of the demo snapshot, re-imports, bad rows, and streaming.

Every test leaves the registry as the demo snapshot makes it (other tests and the demo rely on it)."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.rdw_files import RdwImportError
from anpr_rules.adapters.rdw_import import ImportReport, import_vehicles
from anpr_rules.adapters.tables import vehicles
from anpr_rules.adapters.vehicle_store import asyncpg_connection, count_vehicles, stream_vehicles, vehicle_from_row
from anpr_rules.bootstrap import SPEC
from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.vehicle import Vehicle
from anpr_runtime.db import create_engine, run_migrations

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
DEMO_VEHICLES = len((DEMO / "voertuigen.csv").read_text().strip().splitlines()) - 1


@pytest.fixture
async def engine(infra: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    await run_migrations(infra["DATABASE_URL"], SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(infra["DATABASE_URL"])
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


async def vehicle(engine: AsyncEngine, plate: str) -> Vehicle:
    async with engine.connect() as connection:
        row = (await connection.execute(select(vehicles).where(vehicles.c.plate == plate))).one()
    return vehicle_from_row(row._mapping)


async def test_demo_snapshot_brings_every_case_into_the_registry(engine: AsyncEngine) -> None:
    report = await import_demo(engine)

    assert report.registry.vehicles == DEMO_VEHICLES == await count_vehicles(engine)
    assert all(counts.skipped == counts.blanked == 0 for counts in report.files.values())
    hybrid = await vehicle(engine, "72TBZ9")
    assert (hybrid.fuels, hybrid.registered_emission_class) == (("Elektriciteit", "Benzine"), 6)
    diesel_hybrid = await vehicle(engine, "XG628K")
    assert diesel_hybrid.fuels == ("Diesel", "Elektriciteit")
    assert (await vehicle(engine, "52PZTL")).registered_emission_class == 4  # Benzine 5 + LPG 4: the lowest
    assert (await vehicle(engine, "41VNRB")).special_codes == ("145",)  # wheelchair-accessible van
    assert set((await vehicle(engine, "03XRZX")).special_codes) == {"70", "145"}
    assert (await vehicle(engine, "TJRD78")).body_codes == ("SH",)
    mixer = await vehicle(engine, "1BRT41")
    assert (mixer.category, set(mixer.body_codes), mixer.inrichting) == ("N3", {"BA", "15"}, "betonmixer")
    tractor = await vehicle(engine, "BT391Z")
    assert (tractor.inrichting, tractor.body_codes) == ("opleggertrekker", ("BC",))
    for plate, derived in (("61ZLKH", 4), ("62ZLKH", 5), ("01XJND", 3)):
        unregistered = await vehicle(engine, plate)
        assert unregistered.registered_emission_class is None
        assert emission_class(unregistered) == derived, plate
    assert (await vehicle(engine, "63HKHD")).registered_emission_class == 3


async def described(engine: AsyncEngine, plate: str) -> tuple[str | None, str | None, str | None]:
    async with engine.connect() as connection:
        row = await connection.execute(
            select(vehicles.c.make, vehicles.c.model, vehicles.c.colour).where(vehicles.c.plate == plate)
        )
    make, model, colour = row.one()
    return make, model, colour


async def test_make_model_and_colour_are_stored_and_a_new_colour_is_a_change(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await import_demo(engine)
    assert await described(engine, "RPNL93") == ("VOLKSWAGEN", "GOLF", "GROEN")
    assert await described(engine, "24LBHT") == ("VOLVO", "V70", "ZWART")
    for name in (
        "voertuigen.csv",
        "brandstof.csv",
        "bijzonderheden.csv",
        "carrosserie.csv",
        "carrosserie_specifiek.csv",
    ):
        shutil.copy(DEMO / name, tmp_path / name)
    base = tmp_path / "voertuigen.csv"
    base.write_text(
        base.read_text().replace(
            "RPNL93,Personenauto,VOLKSWAGEN,GOLF,M1,hatchback,20120315,1750,1290,GROEN",
            "RPNL93,Personenauto,VOLKSWAGEN,GOLF,M1,hatchback,20120315,1750,1290,ROOD",
        )
    )

    resprayed = await import_demo(engine, tmp_path)

    assert (resprayed.registry.added, resprayed.registry.changed, resprayed.registry.removed) == (0, 1, 0)
    assert await described(engine, "RPNL93") == ("VOLKSWAGEN", "GOLF", "ROOD")
    assert (await vehicle(engine, "RPNL93")).fuels == ("Benzine",)  # the judging facts untouched


async def test_importing_the_same_files_again_changes_nothing(engine: AsyncEngine) -> None:
    await import_demo(engine)

    again = await import_demo(engine)

    assert (again.registry.added, again.registry.changed, again.registry.removed) == (0, 0, 0)
    assert again.registry.vehicles == DEMO_VEHICLES == await count_vehicles(engine)


async def test_bad_rows_are_counted_and_skipped_or_blanked_without_aborting(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    for name in (
        "voertuigen.csv",
        "brandstof.csv",
        "bijzonderheden.csv",
        "carrosserie.csv",
        "carrosserie_specifiek.csv",
    ):
        shutil.copy(DEMO / name, tmp_path / name)
    with (tmp_path / "voertuigen.csv").open("a") as base:
        base.write("ZZ999Z,Personenauto,OPEL,ASTRA,M1,hatchback,20230231,onbekend,1200,ROOD\n")  # kept, facts unknown
        base.write(",Personenauto,OPEL,ASTRA,M1,hatchback,20030514,1790,1310,ROOD\n")  # no plate: skipped
        base.write("XX11XX,Personenauto,OPEL\n")  # cut off: skipped
        base.write("63HKHD,Personenauto,PEUGEOT,307,M1,hatchback,20230101,1790,1310,ROOD\n")  # duplicate: first wins
    with (tmp_path / "brandstof.csv").open("a") as fuel:
        fuel.write("ZZ999Z,x,Diesel,3,EURO 3\n")

    report = await import_demo(engine, tmp_path)

    assert (report.files["base"].skipped, report.files["base"].blanked, report.duplicates) == (2, 1, 1)
    assert report.files["fuel"].blanked == 1
    assert report.registry.vehicles == DEMO_VEHICLES + 1
    bad = await vehicle(engine, "ZZ999Z")
    assert (bad.first_admission, bad.max_mass_kg, bad.empty_mass_kg, bad.fuels) == (None, None, 1200, ("Diesel",))
    assert (await vehicle(engine, "63HKHD")).first_admission.isoformat() == "2003-05-14"  # type: ignore[union-attr]
    assert await described(engine, "63HKHD") == ("PEUGEOT", "307", "BLAUW")  # the first row's colour too

    back = await import_demo(engine)

    assert (back.registry.removed, back.registry.vehicles) == (1, DEMO_VEHICLES)


async def test_a_wrong_file_or_a_running_import_leaves_the_registry_as_it_was(engine: AsyncEngine) -> None:
    await import_demo(engine)

    with pytest.raises(RdwImportError, match="not an RDW base file"):
        await import_vehicles(engine, DEMO / "brandstof.csv", DEMO / "brandstof.csv")
    async with asyncpg_connection(engine) as other:
        await other.execute("SELECT pg_advisory_lock(hashtext('rules.rdw_import'))")
        try:
            with pytest.raises(RdwImportError, match="another vehicle import is running"):
                await import_demo(engine)
        finally:
            await other.execute("SELECT pg_advisory_unlock(hashtext('rules.rdw_import'))")

    assert await count_vehicles(engine) == DEMO_VEHICLES


async def test_streaming_yields_every_vehicle_once_in_small_batches(engine: AsyncEngine) -> None:
    await import_demo(engine)

    streamed = [v async for v in stream_vehicles(engine, batch=16)]

    assert len(streamed) == len({v.plate for v in streamed}) == await count_vehicles(engine)
    by_plate = {v.plate: v for v in streamed}
    for plate in ("72TBZ9", "41VNRB", "1BRT41", "61ZLKH"):
        assert by_plate[plate] == await vehicle(engine, plate)
