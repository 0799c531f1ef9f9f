from datetime import date
from pathlib import Path

import pytest

from anpr_rules.adapters.rdw_import import _column, _date, read_fuels, vehicle_rows

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Datum eerste toelating", "datum_eerste_toelating"),
        ("datum_eerste_toelating", "datum_eerste_toelating"),
        ("Kenteken", "kenteken"),
        (" Europese voertuigcategorie ", "europese_voertuigcategorie"),
        ("Toegestane maximum massa voertuig", "toegestane_maximum_massa_voertuig"),
        ("Brandstof omschrijving", "brandstof_omschrijving"),
        ("Emissiecode omschrijving", "emissiecode_omschrijving"),
        ("Massa rijklaar", "massa_rijklaar"),
    ],
)
def test_column_names_from_both_header_styles_agree(header: str, column: str) -> None:
    assert _column(header) == column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20030514", date(2003, 5, 14)),
        ("2003-05-14", date(2003, 5, 14)),
        ("2003-05-14T00:00:00.000", date(2003, 5, 14)),
        ("14/05/2003", date(2003, 5, 14)),
        (" 20090901 ", date(2009, 9, 1)),
        ("", None),
        (None, None),
        ("2003", None),
        ("May 14, 2003", None),
    ],
)
def test_date_formats(text: str | None, expected: date | None) -> None:
    assert _date(text) == expected


def write_csv(path: Path, lines: list[str], bom: bool = False) -> Path:
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


FUEL_HEADER = "kenteken,brandstof_volgnummer,brandstof_omschrijving,emissiecode_omschrijving,uitlaatemissieniveau"


def test_hybrid_keeps_both_fuel_rows_and_the_stated_class(tmp_path: Path) -> None:
    fuel = write_csv(
        tmp_path / "brandstof.csv",
        [FUEL_HEADER, "HY0001,1,Benzine,6,EURO 6 D", "HY0001,2,Elektriciteit,,", "DI0001,1,Diesel,3,EURO 3"],
    )

    fuels = read_fuels(fuel)

    assert fuels["HY0001"] == (["Benzine", "Elektriciteit"], 6)
    assert fuels["DI0001"] == (["Diesel"], 3)


def test_hybrid_with_two_stated_classes_gets_the_lowest(tmp_path: Path) -> None:
    fuel = write_csv(tmp_path / "brandstof.csv", [FUEL_HEADER, "HY0002,1,Diesel,5,EURO 5", "HY0002,2,LPG,4,EURO 4"])

    assert read_fuels(fuel)["HY0002"] == (["Diesel", "LPG"], 4)


def test_hybrid_with_class_0_on_its_first_row_keeps_class_0(tmp_path: Path) -> None:
    fuel = write_csv(tmp_path / "brandstof.csv", [FUEL_HEADER, "OLD001,1,Benzine,0,", "OLD001,2,LPG,2,EURO 2"])

    assert read_fuels(fuel)["OLD001"] == (["Benzine", "LPG"], 0)


def test_fuel_file_with_the_download_labels_and_a_bom(tmp_path: Path) -> None:
    fuel = write_csv(
        tmp_path / "brandstof.csv",
        [
            "Kenteken,Brandstof volgnummer,Brandstof omschrijving,Emissiecode omschrijving,Uitlaatemissieniveau",
            "ab12cd,1,Diesel,4,EURO 4",
        ],
        bom=True,
    )

    assert read_fuels(fuel) == {"AB12CD": (["Diesel"], 4)}


BASE_HEADER = (
    "kenteken,voertuigsoort,merk,handelsbenaming,europese_voertuigcategorie,inrichting,"
    "datum_eerste_toelating,toegestane_maximum_massa_voertuig,massa_rijklaar"
)


def test_vehicle_rows_join_base_and_fuel(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            BASE_HEADER,
            "63HKHD,Personenauto,PEUGEOT,307,M1,hatchback,20030514,1790,1310",
            "nofuel,Bedrijfsauto,FORD,TRANSIT,,gesloten opbouw,14/05/2003,,",
        ],
    )
    fuels: dict[str, tuple[list[str], int | None]] = {"63HKHD": (["Diesel"], 3)}

    rows = list(vehicle_rows(base, fuels))

    assert rows == [
        {
            "plate": "63HKHD",
            "kind": "Personenauto",
            "category": "M1",
            "first_admission": date(2003, 5, 14),
            "max_mass_kg": 1790,
            "empty_mass_kg": 1310,
            "fuels": ["Diesel"],
            "emission_class": 3,
        },
        {
            "plate": "NOFUEL",
            "kind": "Bedrijfsauto",
            "category": None,
            "first_admission": date(2003, 5, 14),
            "max_mass_kg": None,
            "empty_mass_kg": None,
            "fuels": [],
            "emission_class": None,
        },
    ]


def test_vehicle_rows_from_the_download_labels(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            "Kenteken,Voertuigsoort,Merk,Europese voertuigcategorie,Datum eerste toelating,"
            "Toegestane maximum massa voertuig,Massa rijklaar",
            "RPNL93,Personenauto,VOLKSWAGEN,M1,2012-03-15,1750,1290",
        ],
        bom=True,
    )

    [row] = vehicle_rows(base, {})

    assert row["plate"] == "RPNL93"
    assert row["category"] == "M1"
    assert row["first_admission"] == date(2012, 3, 15)
    assert (row["max_mass_kg"], row["empty_mass_kg"]) == (1750, 1290)


def test_shipped_demo_snapshot_reads_completely() -> None:
    fuels = read_fuels(DEMO / "brandstof.csv")
    rows = list(vehicle_rows(DEMO / "voertuigen.csv", fuels))

    assert len(rows) == len((DEMO / "voertuigen.csv").read_text().strip().splitlines()) - 1
    assert all(row["plate"].isalnum() and row["plate"].isupper() for row in rows)
    assert all(row["fuels"] for row in rows)
    by_plate = {row["plate"]: row for row in rows}
    assert by_plate["63HKHD"]["fuels"] == ["Diesel"]
    assert by_plate["63HKHD"]["emission_class"] == 3
    assert by_plate["01XJND"]["emission_class"] is None
    assert (by_plate["72TBZ9"]["fuels"], by_plate["72TBZ9"]["emission_class"]) == (["Elektriciteit", "Benzine"], 6)
