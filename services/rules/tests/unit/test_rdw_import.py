import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from anpr_rules.adapters.rdw_files import (
    BASE,
    BODY,
    FUEL,
    SPECIAL,
    FileCounts,
    RdwImportError,
    Source,
    _code,
    _column,
    _date,
    _emission_class,
    _int,
    _plate,
    read_records,
)

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
FILES = {"voertuigen.csv": BASE, "brandstof.csv": FUEL, "bijzonderheden.csv": SPECIAL, "carrosserie.csv": BODY,
         "carrosserie_specifiek.csv": BODY}  # fmt: skip


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Datum eerste toelating", "datum_eerste_toelating"),
        ("datum_eerste_toelating", "datum_eerste_toelating"),
        ("Datum eerste toelating DT", "datum_eerste_toelating_dt"),
        ("Kenteken", "kenteken"),
        (" Europese voertuigcategorie ", "europese_voertuigcategorie"),
        ("Toegestane maximum massa voertuig", "toegestane_maximum_massa_voertuig"),
        ("Brandstof omschrijving", "brandstof_omschrijving"),
        ("Emissiecode omschrijving", "emissiecode_omschrijving"),
        ("Massa rijklaar", "massa_rijklaar"),
        ("Bijzonderheid code", "bijzonderheid_code"),
        ("Carrosserietype", "carrosserietype"),
        ("Carrosseriecode", "carrosseriecode"),
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
        ("20230231", None),  # impossible: unknown, not an error
        ("00000000", None),
        ("99991231", None),
        ("18000101", None),
    ],
)
def test_date_formats(text: str | None, expected: date | None) -> None:
    assert _date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1790", 1790), (" 935 ", 935), ("0", 0), ("", None), (None, None), ("1.790", None), ("-5", None),
     ("onbekend", None), ("99999999999", None), ("١٢٣", None)],
)  # fmt: skip
def test_numbers(text: str | None, expected: int | None) -> None:
    assert _int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6", 6), ("0", 0), (" 4 ", 4), ("Z", None), ("", None), (None, None), ("7", None), ("10", None),
     ("EURO 6", None)],
)  # fmt: skip
def test_only_0_to_6_is_a_registered_emission_class(text: str | None, expected: int | None) -> None:
    assert _emission_class(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("63HKHD", "63HKHD"), ("63-hk-hd", "63HKHD"), (" 3 VFX 39 ", "3VFX39"), ("", None), ("É12345", None),
     ("A" * 17, None), ("AB#123", None)],
)  # fmt: skip
def test_plates(text: str, expected: str | None) -> None:
    assert _plate(text) == expected


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [("145", 1, "145"), ("070", 1, "70"), ("3", 2, "03"), ("15", 2, "15"), (" sh ", 2, "SH"), ("", 1, None)],
)
def test_codes_as_the_regimes_name_them(text: str, width: int, expected: str | None) -> None:
    assert _code(text, width) == expected


def write_csv(path: Path, lines: list[str], bom: bool = False) -> Path:
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(path: Path, source: Source) -> tuple[list[tuple[object, ...]], FileCounts]:
    counts = FileCounts()
    return list(read_records(path, source, counts)), counts


FUEL_HEADER = "kenteken,brandstof_volgnummer,brandstof_omschrijving,emissiecode_omschrijving,uitlaatemissieniveau"
BASE_HEADER = (
    "kenteken,voertuigsoort,merk,handelsbenaming,europese_voertuigcategorie,inrichting,"
    "datum_eerste_toelating,toegestane_maximum_massa_voertuig,massa_rijklaar"
)


def test_every_fuel_row_of_a_hybrid_is_staged_with_its_class(tmp_path: Path) -> None:
    fuel = write_csv(
        tmp_path / "brandstof.csv",
        [FUEL_HEADER, "HY0001,1,Benzine,6,EURO 6 D", "HY0001,2,Elektriciteit,Z,", "DI0001,1,Diesel,3,EURO 3"],
    )

    rows, counts = records(fuel, FUEL)

    assert rows == [
        (2, "HY0001", 1, "Benzine", 6),
        (3, "HY0001", 2, "Elektriciteit", None),
        (4, "DI0001", 1, "Diesel", 3),
    ]
    assert (counts.rows, counts.skipped, counts.blanked) == (3, 0, 0)


def test_fuel_file_with_the_download_labels_and_a_bom(tmp_path: Path) -> None:
    fuel = write_csv(
        tmp_path / "brandstof.csv",
        [
            "Kenteken,Brandstof volgnummer,Brandstof omschrijving,Emissiecode omschrijving,Uitlaatemissieniveau",
            "ab-12-cd,1,Diesel,4,EURO 4",
        ],
        bom=True,
    )

    assert records(fuel, FUEL)[0] == [(2, "AB12CD", 1, "Diesel", 4)]


def test_base_rows_with_impossible_values_are_kept_with_those_unknown(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            BASE_HEADER,
            "63HKHD,Personenauto,PEUGEOT,307,M1,hatchback,20030514,1790,1310",
            "BADDAT,Personenauto,OPEL,ASTRA,M1,hatchback,20230231,onbekend,1200",
            ",Personenauto,OPEL,ASTRA,M1,hatchback,20030514,1790,1310",  # no plate: skipped
            "SHORT1,Personenauto,OPEL",  # a cut-off line: skipped
            "",  # a blank line is no row
            "NOFUEL,Bedrijfsauto,FORD,TRANSIT,,gesloten opbouw,14/05/2003,,",
        ],
    )

    rows, counts = records(base, BASE)

    assert rows == [
        (2, "63HKHD", "Personenauto", "M1", "hatchback", date(2003, 5, 14), 1790, 1310, "PEUGEOT", "307", None),
        (3, "BADDAT", "Personenauto", "M1", "hatchback", None, None, 1200, "OPEL", "ASTRA", None),
        (7, "NOFUEL", "Bedrijfsauto", None, "gesloten opbouw", date(2003, 5, 14), None, None, "FORD", "TRANSIT", None),
    ]
    assert (counts.rows, counts.skipped, counts.blanked) == (5, 2, 1)
    assert counts.bytes_read == base.stat().st_size


def test_base_rows_from_the_download_labels(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            "Kenteken,Voertuigsoort,Merk,Inrichting,Europese voertuigcategorie,Datum eerste toelating,"
            "Toegestane maximum massa voertuig,Massa rijklaar,Datum eerste toelating DT",
            "BT391Z,Bedrijfsauto,VOLVO,opleggertrekker,N3,20170101,19500,7800,01/01/2017 12:00:00 AM",
        ],
        bom=True,
    )

    assert records(base, BASE)[0] == [
        (2, "BT391Z", "Bedrijfsauto", "N3", "opleggertrekker", date(2017, 1, 1), 19500, 7800, "VOLVO", None, None)
    ]


@pytest.mark.parametrize(
    "header",
    [
        BASE_HEADER + ",eerste_kleur",
        "Kenteken,Voertuigsoort,Merk,Handelsbenaming,Europese voertuigcategorie,Inrichting,Datum eerste toelating,"
        "Toegestane maximum massa voertuig,Massa rijklaar,Eerste kleur",
    ],
)
def test_make_model_and_colour_from_either_header_style(tmp_path: Path, header: str) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            header,
            "63HKHD,Personenauto,PEUGEOT,307,M1,hatchback,20030514,1790,1310,BLAUW",
            "NOKLR1,Personenauto, OPEL , ,M1,hatchback,20030514,1790,1310,Niet geregistreerd",
            f"LANG01,Personenauto,{'M' * 150},{'X' * 150},M1,hatchback,20030514,1790,1310,{'k' * 60}",
        ],
        bom=True,
    )

    rows, counts = records(base, BASE)

    assert [row[-3:] for row in rows] == [
        ("PEUGEOT", "307", "BLAUW"),
        ("OPEL", None, None),  # "Niet geregistreerd" is no colour; an empty model is unknown
        ("M" * 100, "X" * 100, "K" * 40),  # cut to the registry's columns, never refused
    ]
    assert rows[0][2:8] == ("Personenauto", "M1", "hatchback", date(2003, 5, 14), 1790, 1310)  # judging facts unchanged
    assert (counts.rows, counts.skipped, counts.blanked) == (3, 0, 0)


def test_a_base_file_without_make_model_or_colour_imports_them_unknown(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "voertuigen.csv",
        [
            "kenteken,voertuigsoort,europese_voertuigcategorie,inrichting,datum_eerste_toelating,"
            "toegestane_maximum_massa_voertuig,massa_rijklaar",
            "63HKHD,Personenauto,M1,hatchback,20030514,1790,1310",
        ],
    )

    assert records(base, BASE)[0] == [
        (2, "63HKHD", "Personenauto", "M1", "hatchback", date(2003, 5, 14), 1790, 1310, None, None, None)
    ]


def test_codes_from_bijzonderheden_and_both_carrosserie_sets(tmp_path: Path) -> None:
    special = write_csv(tmp_path / "b.csv", ["Kenteken,Bijzonderheid volgnummer,Bijzonderheid code", "41VNRB,1,145"])
    body = write_csv(tmp_path / "c.csv", ["kenteken,carrosserie_volgnummer,carrosserietype", "TJRD78,1,sh"])
    specific = write_csv(
        tmp_path / "s.csv",
        [
            "kenteken,carrosserie_volgnummer,carrosserie_voertuig_nummer_code_volgnummer,carrosseriecode",
            "1BRT41,1,1,15",
        ],
    )

    assert records(special, SPECIAL)[0] == [(2, "41VNRB", "145")]
    assert records(body, BODY)[0] == [(2, "TJRD78", "SH")]
    assert records(specific, BODY)[0] == [(2, "1BRT41", "15")]


def test_a_file_of_another_kind_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    fuel = write_csv(tmp_path / "brandstof.csv", [FUEL_HEADER, "DI0001,1,Diesel,3,EURO 3"])

    with pytest.raises(RdwImportError, match="not an RDW base file"):
        records(fuel, BASE)


def test_shipped_demo_snapshot_reads_completely() -> None:
    for name, source in FILES.items():
        rows, counts = records(DEMO / name, source)
        lines = len((DEMO / name).read_text().strip().splitlines()) - 1
        assert (counts.rows, counts.skipped, counts.blanked) == (lines, 0, 0), name
        assert rows
    base = {row[1]: row for row in records(DEMO / "voertuigen.csv", BASE)[0]}
    fuels = records(DEMO / "brandstof.csv", FUEL)[0]
    assert all(row[1] in base for row in fuels)
    peugeot = ("Personenauto", "M1", "hatchback", date(2003, 5, 14), 1790, 1310, "PEUGEOT", "307", "BLAUW")
    assert base["63HKHD"][2:] == peugeot
    assert all(row[-1] for row in base.values())  # every demo vehicle has a colour for the review screen
    assert [(f, k) for _, plate, _, f, k in fuels if plate == "63HKHD"] == [("Diesel", 3)]
    assert [(f, k) for _, plate, _, f, k in fuels if plate == "01XJND"] == [("Diesel", None)]
    assert [(f, k) for _, plate, _, f, k in fuels if plate == "72TBZ9"] == [("Elektriciteit", None), ("Benzine", 6)]


def test_shipped_demo_snapshot_is_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(DEMO / "generate.py"), "--out", str(tmp_path)], check=True, capture_output=True)

    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
