"""Export batches: the records, their CSV and JSON, and that a notice is exported once."""

import csv
import io
import json
from datetime import timedelta
from uuid import UUID

from anpr_contracts import RegimeMode
from anpr_notices.domain.exports import FIELDS, export_record, to_csv, to_json
from anpr_notices.domain.model import RejectReason, Status
from anpr_notices.domain.workflow import FourEyesPolicy, Verdict
from anpr_notices.handlers import export_issued, record_decision, store_candidate
from anpr_notices.handlers.review import ReviewRules
from anpr_runtime.publisher import FakeEventPublisher

from .conftest import KEY, NOW, REVIEWER_2, REVIEWER_3, SUPERVISOR_4, a_candidate
from .fakes import FakeCandidateRepository, FakeExportRepository

LATER = NOW + timedelta(minutes=5)
BASE = "https://notices.example.nl/"


async def decided(repo: FakeCandidateRepository, n: int, verdict: Verdict, **kwargs: object) -> UUID:
    candidate = a_candidate(f"00000000-0000-4000-8000-{n:012d}", **kwargs)  # type: ignore[arg-type]
    assert await store_candidate(candidate, repo, KEY, NOW)
    candidate_id = next(cid for cid, c in repo.candidates.items() if c["candidate_key"] == candidate.candidate_key)
    four_eyes = {"milieuzone-centrum": FourEyesPolicy(below_confidence=0.9)}
    rules = ReviewRules(four_eyes, FakeEventPublisher(), KEY)
    await record_decision(candidate_id, verdict, REVIEWER_2, LATER, repo, rules)
    if repo.candidates[candidate_id]["status"] is Status.AWAITING_SECOND_REVIEW:
        await record_decision(candidate_id, verdict, REVIEWER_3, LATER, repo, rules)
    return candidate_id


async def test_batch_holds_exactly_the_issued_ones_once(repo: FakeCandidateRepository) -> None:
    notice = await decided(repo, 1, Verdict("accept"))
    warning = await decided(repo, 2, Verdict("accept"), mode=RegimeMode.WARN)
    await decided(repo, 3, Verdict("reject", RejectReason.EXEMPT))
    await decided(repo, 4, Verdict("accept"), enforceable=False)
    exports = FakeExportRepository(repo)

    batch = await export_issued(SUPERVISOR_4, LATER, exports)
    again = await export_issued(SUPERVISOR_4, LATER, exports)

    assert (batch["count"], batch["notices"], batch["warnings"]) == (2, 1, 1)
    assert again["count"] == 0
    found = await exports.batch(batch["batch_id"])
    assert found is not None
    assert {c["candidate_id"] for c in found[1]} == {notice, warning}
    assert all(c["status"] is Status.EXPORTED for c in found[1])


async def test_export_record_fields(repo: FakeCandidateRepository) -> None:
    notice = await decided(repo, 1, Verdict("accept"), confidence=0.5)  # four-eyes: two officers
    warning = await decided(repo, 2, Verdict("accept"), mode=RegimeMode.WARN)

    record = export_record(repo._complete(repo.candidates[notice]), BASE)
    letter = export_record(repo._complete(repo.candidates[warning]), BASE)

    assert tuple(record) == FIELDS
    assert record["kind"] == "notice"
    assert record["plate"] == "63HKHD"
    assert record["moment"] == "2026-03-02T13:00:00+00:00"
    assert (record["location"], record["camera"]) == ("loc-centrum-noord", "cam-1")
    assert (record["regime"], record["regime_version"]) == ("milieuzone-centrum", "2026.1")
    assert record["legal_reference"] == "RVV 1990 art. 86t"
    assert record["amount_eur"] == 120
    assert record["officer_ids"] == ["reviewer-2", "reviewer-3"]
    assert record["evidence"] == [
        f"https://notices.example.nl/v1/candidates/{notice}/evidence/overview",
        f"https://notices.example.nl/v1/candidates/{notice}/evidence/plate",
    ]
    assert record["officer_names"] == ["Anna de Vries", "Bram Jansen"]
    assert (letter["kind"], letter["amount_eur"], letter["officer_ids"]) == ("warning", None, ["reviewer-2"])


async def test_a_decision_from_before_names_were_kept_exports_its_subject_as_name(
    repo: FakeCandidateRepository,
) -> None:
    notice = await decided(repo, 1, Verdict("accept"))
    repo.candidates[notice]["decisions"][0]["by_name"] = None  # as migration 0004 leaves older decisions

    record = export_record(repo._complete(repo.candidates[notice]), BASE)

    assert (record["officer_ids"], record["officer_names"]) == (["reviewer-2"], ["reviewer-2"])


async def test_batches_are_listed_newest_first_with_who_made_them(repo: FakeCandidateRepository) -> None:
    exports = FakeExportRepository(repo)
    first = await export_issued(SUPERVISOR_4, LATER, exports)
    second = await export_issued(REVIEWER_3, LATER + timedelta(minutes=1), exports)

    listed = await exports.batches(10)

    assert [b["batch_id"] for b in listed] == [second["batch_id"], first["batch_id"]]
    assert (listed[1]["created_by"], listed[1]["created_by_name"]) == ("supervisor-4", "Chris Bakker")
    assert [b["batch_id"] for b in await exports.batches(1)] == [second["batch_id"]]


async def test_csv_and_json_carry_the_same_records(repo: FakeCandidateRepository) -> None:
    await decided(repo, 1, Verdict("accept"), confidence=0.5)
    await decided(repo, 2, Verdict("accept"), mode=RegimeMode.WARN)
    exports = FakeExportRepository(repo)
    batch = await export_issued(SUPERVISOR_4, LATER, exports)
    found = await exports.batch(batch["batch_id"])
    assert found is not None
    records = [export_record(c, BASE) for c in found[1]]

    rows = list(csv.DictReader(io.StringIO(to_csv(records))))
    document = json.loads(to_json(found[0], records))

    assert [tuple(row) for row in rows] == [FIELDS, FIELDS]
    assert {row["kind"]: row["amount_eur"] for row in rows} == {"notice": "120", "warning": ""}
    assert {row["kind"]: row["officer_ids"] for row in rows} == {
        "notice": "reviewer-2 reviewer-3",
        "warning": "reviewer-2",
    }
    # Names have spaces: a list of them is separated by "; ".
    assert {row["kind"]: row["officer_names"] for row in rows} == {
        "notice": "Anna de Vries; Bram Jansen",
        "warning": "Anna de Vries",
    }
    assert all(len(row["evidence"].split(" ")) == 2 for row in rows)
    assert document["batch_id"] == str(batch["batch_id"])
    assert (document["created_by"], document["created_by_name"], document["count"]) == (
        "supervisor-4",
        "Chris Bakker",
        2,
    )
    assert document["items"] == json.loads(json.dumps(records))


def test_empty_batch_is_a_header_only_csv() -> None:
    assert to_csv([]) == ",".join(FIELDS) + "\r\n"


def test_a_text_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised() -> None:
    hostile = ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    record: dict[str, object] = {field: "" for field in FIELDS}
    record.update(
        candidate_id=hostile[0],
        legal_reference=hostile[1],
        regime=hostile[2],
        location=hostile[3],
        camera=hostile[4],
        regime_version=hostile[5],
        officer_names=["=cmd|' /C calc'!A0", "Anna de Vries"],
        amount_eur=-5,  # a number is no formula: left as it is
        plate="63HKHD",
    )

    row = next(csv.DictReader(io.StringIO(to_csv([record]))))

    assert [row[f] for f in ("candidate_id", "legal_reference", "regime", "location", "camera", "regime_version")] == [
        "'" + cell for cell in hostile
    ]
    assert row["officer_names"] == "'=cmd|' /C calc'!A0; Anna de Vries"
    assert (row["amount_eur"], row["plate"]) == ("-5", "63HKHD")
