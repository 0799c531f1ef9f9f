"""CSV import: a bad header refuses the file; a bad row is reported by its row number and never blocks
the good rows."""

from datetime import UTC, datetime
from functools import partial

import pytest

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.csv_rows import COLUMNS, BadCsv, read_rows
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.entrypoints.imports import exemption_of
from anpr_exemptions.entrypoints.schemas import ExemptionIn
from anpr_exemptions.entrypoints.views import ImportOut
from anpr_exemptions.handlers import Ports, grant, import_rows
from anpr_runtime import RetriableError
from anpr_runtime.publisher import FakeEventPublisher

from .builders import POLICY
from .fakes import FakeExemptionRepository

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HEADER = "plate,kind,regimes,zones,valid_from,valid_until,daily_from,daily_until,day,reference,issuer"
EXEMPTION_OF = partial(exemption_of, policy=POLICY)


def csv(*lines: str) -> bytes:
    return "\n".join(lines).encode()


async def run_import(body: bytes, ports: Ports) -> dict[int, str]:
    """Row number -> exemption id or 'error: ...'."""

    async def grant_one(exemption: Exemption) -> None:
        await grant(exemption, Actor("importer", "importer name"), NOW, ports)

    result = ImportOut.of(await import_rows(read_rows(body), EXEMPTION_OF, grant_one))
    return {c.row: c.exemption_id for c in result.created} | {e.row: f"error: {e.error}" for e in result.errors}


def test_the_csv_columns_are_the_fields_of_a_request_body_in_their_order() -> None:
    assert tuple(ExemptionIn.model_fields) == COLUMNS
    assert ",".join(COLUMNS) == HEADER


def test_rows_become_field_dicts_with_lists_and_local_dates() -> None:
    [row] = read_rows(
        csv(
            HEADER,
            "63-HK-HD,resident,milieuzone-centrum|ze-centrum,,2026-01-01,2026-07-01T00:00:00Z,22:00,02:00,,V-1,Gem",
        )
    )
    assert row.number == 2
    assert row.error is None
    assert row.fields["regimes"] == ["milieuzone-centrum", "ze-centrum"]
    assert "zones" not in row.fields
    assert row.fields["valid_from"] == datetime(2025, 12, 31, 23, tzinfo=UTC)  # a plain date: 00:00 Amsterdam
    assert row.fields["valid_until"] == "2026-07-01T00:00:00Z"
    assert row.fields["daily_from"] == "22:00"


def test_semicolons_and_a_bom_from_a_dutch_spreadsheet_are_understood() -> None:
    body = "\ufeffplate;kind;day;reference;issuer\r\nVX-123-B;day-permit;2026-05-01;D-1;Gem\r\n".encode()
    [row] = read_rows(body)
    assert row.fields == {
        "plate": "VX-123-B",
        "kind": "day-permit",
        "day": "2026-05-01",
        "reference": "D-1",
        "issuer": "Gem",
    }


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped() -> None:
    rows = read_rows(csv("issuer,reference,kind,plate", "Gem,R,national,AB12CD", "", "Gem,R,national,XY99ZZ"))
    assert [(r.number, r.fields["plate"]) for r in rows] == [(2, "AB12CD"), (4, "XY99ZZ")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (csv("plate,kind,colour,reference,issuer"), "unknown column.*'colour'.*allowed: plate,kind"),
        (csv("plate,kind,reference"), "lacks required column.*issuer"),
        (csv("plate,plate,kind,reference,issuer"), "plate appear more than once"),
        ("plate,kind,reference,issuer\nÀB,resident,r,i".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_header_or_encoding_refuses_the_whole_file(body: bytes, message: str) -> None:
    with pytest.raises(BadCsv, match=message):
        read_rows(body)
    assert BadCsv.status_code == 422


async def test_bad_rows_are_reported_by_row_number_and_good_rows_are_created(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    body = csv(
        HEADER,
        "63HKHD,resident,milieuzone-centrum,,2026-01-01T00:00:00+01:00,,,,,R-2,Gem",  # 2 ok
        "AB_12,resident,,,2026-01-01T00:00:00Z,,,,,R-3,Gem",  # 3 bad plate
        "AB12CD,bribe,,,2026-01-01T00:00:00Z,,,,,R-4,Gem",  # 4 unknown kind
        "AB12CD,resident,,,2026-02-01T00:00:00Z,2026-01-01T00:00:00Z,,,,R-5,Gem",  # 5 ends before it starts
        "AB12CD,resident,,,2026-01-01T00:00:00Z,,22:00,,,R-6,Gem",  # 6 half a daily window
        "VX123B,day-permit,ze-centrum,,,,,,2026-05-01,R-7,Gem",  # 7 ok
        "VX123B,day-permit,ze-centrum,,,,,,2026-05-01,R-8,Gem",  # 8 same vehicle, same day
        "AB12CD,resident,,,2026-01-01T00:00:00Z,,,,,R-9",  # 9 a field short
        "AB12CD,resident,,,not-a-date,,,,,R-10,Gem",  # 10 bad date
        "XY99ZZ,works,,,2026-01-01,,,,,R-11,Gem",  # 11 ok
    )

    outcome = await run_import(body, ports)

    assert sorted(outcome) == list(range(2, 12))
    errors = {row: text for row, text in outcome.items() if text.startswith("error:")}
    assert sorted(errors) == [3, 4, 5, 6, 8, 9, 10]
    assert "plate: plate 'AB_12' may contain only letters A-Z and digits" in errors[3]
    assert "kind: Input should be 'resident'" in errors[4]
    assert "valid_until (2026-01-01T00:00:00+00:00) must be after valid_from" in errors[5]
    assert "daily_from and daily_until go together" in errors[6]
    assert "already has a day permit for 2026-05-01" in errors[8]
    assert "10 fields where the header has 11" in errors[9]
    assert "valid_from" in errors[10]
    assert len(repo.exemptions) == len(publisher.published) == 3
    assert {e.reference for e in repo.exemptions.values()} == {"R-2", "R-7", "R-11"}


async def test_the_thirteenth_day_permit_of_an_import_is_refused_alone(ports: Ports) -> None:
    lines = [f"VX123B,day-permit,,,,,,,2026-04-{d:02d},R-{d},Gem" for d in range(1, 15)]
    outcome = await run_import(csv(HEADER, *lines), ports)
    refused = {row for row, text in outcome.items() if "12 of the 12 day permits" in text}
    assert refused == {14, 15}
    assert sum(not text.startswith("error:") for text in outcome.values()) == 12


async def test_a_broker_failure_stops_the_import_and_names_the_rows_left() -> None:
    calls = 0

    async def flaky(exemption: Exemption) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RetriableError("could not publish to anpr.exemptions.v1: KafkaTimeoutError")

    body = csv("plate,kind,valid_from,reference,issuer", *[f"AB12C{i},national,2026-01-01,R,G" for i in range(4)])
    result = ImportOut.of(await import_rows(read_rows(body), EXEMPTION_OF, flaky))

    assert [c.row for c in result.created] == [2]
    assert [e.row for e in result.errors] == [3, 4, 5]
    assert all("not imported, send it again" in e.error for e in result.errors)
    assert calls == 2


async def test_control_characters_and_unclosed_quotes_fail_only_their_row(ports: Ports) -> None:
    header = "plate,kind,valid_from,reference,issuer"
    body = csv(header, "AB12CD,national,2026-01-01,r\x00x,G", "XY12CD,national,2026-01-01,ok,G")
    outcome = await run_import(body, ports)
    assert "reference: must not contain control characters" in outcome[2]
    assert not outcome[3].startswith("error:")
    unclosed = await run_import(csv(header, 'ZZ12CD,national,2026-01-01,"open,G'), ports)
    assert unclosed[2].startswith("error:")
