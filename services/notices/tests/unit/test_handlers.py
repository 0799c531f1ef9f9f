import inspect
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from anpr_contracts import CandidateRaised, PlateRecognized, ReadSource, RegimeMode
from anpr_notices.adapters.repository import CandidateRepository
from anpr_notices.domain.model import RejectReason, Status
from anpr_notices.handlers import record_decision, store_candidate
from anpr_runtime import Conflict, NotFound, PermanentError

from .fakes import FakeCandidateRepository

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


def a_candidate(read_id: str = "00000000-0000-4000-8000-000000000001") -> CandidateRaised:
    read = PlateRecognized(
        read_id=UUID(read_id),
        source=ReadSource.CAMERA,
        location_id="loc-centrum-noord",
        observed_at=NOW - timedelta(hours=1),
        plate="63HKHD",
        confidence=0.97,
        plate_jpeg=b"\xff\xd8plate",
    )
    return CandidateRaised(
        candidate_key=f"milieuzone-centrum:{read.read_id}",
        read=read,
        regime_id="milieuzone-centrum",
        regime_version="2026.1",
        mode=RegimeMode.ENFORCE,
        legal_reference="RVV 1990 art. 86t",
        fine_eur=120,
        explanation=("emission class 3 is below the required 4",),
        vehicle={"europese_voertuigcategorie": "M1"},
    )


@pytest.fixture
async def pending(repo: FakeCandidateRepository) -> UUID:
    assert await store_candidate(a_candidate(), repo, NOW)
    [candidate_id] = repo.candidates
    return candidate_id


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(CandidateRepository, inspect.isfunction) if not name.startswith("_")}
    for name in port:
        fake_method = getattr(FakeCandidateRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(CandidateRepository, name)).parameters.keys()
        ), name


async def test_redelivered_candidate_is_stored_once(repo: FakeCandidateRepository) -> None:
    assert await store_candidate(a_candidate(), repo, NOW) is True
    assert await store_candidate(a_candidate(), repo, LATER) is False
    assert await store_candidate(a_candidate("00000000-0000-4000-8000-000000000002"), repo, LATER) is True

    assert len(repo.candidates) == 2


async def test_accept_records_the_decision_and_an_audit_row(repo: FakeCandidateRepository, pending: UUID) -> None:
    decided = await record_decision(pending, "accept", None, None, None, "reviewer-2", LATER, repo)

    assert decided["status"] is Status.ACCEPTED
    assert (decided["decided_by"], decided["decided_at"]) == ("reviewer-2", LATER)
    assert decided["plate"] == "63HKHD"
    stored = await repo.get(pending)
    assert stored is not None
    assert stored["status"] is Status.ACCEPTED
    assert repo.audit_log == [(LATER, "reviewer-2", "decide:accept", str(pending), "review")]


async def test_reject_with_reason_and_corrected_plate(repo: FakeCandidateRepository, pending: UUID) -> None:
    decided = await record_decision(pending, "reject", RejectReason.MISREAD, None, "63HKHB", "reviewer-2", LATER, repo)

    assert decided["status"] is Status.REJECTED
    assert decided["reason"] is RejectReason.MISREAD
    assert decided["corrected_plate"] == "63HKHB"
    assert repo.audit_log[-1][2] == "decide:reject"


async def test_reject_without_reason_is_refused(repo: FakeCandidateRepository, pending: UUID) -> None:
    with pytest.raises(PermanentError, match="reason"):
        await record_decision(pending, "reject", None, None, None, "reviewer-2", LATER, repo)

    stored = await repo.get(pending)
    assert stored is not None
    assert stored["status"] is Status.PENDING
    assert repo.audit_log == []


async def test_reason_other_needs_a_text(repo: FakeCandidateRepository, pending: UUID) -> None:
    with pytest.raises(PermanentError, match="other"):
        await record_decision(pending, "reject", RejectReason.OTHER, None, None, "reviewer-2", LATER, repo)
    with pytest.raises(PermanentError, match="other"):
        await record_decision(pending, "reject", RejectReason.OTHER, "", None, "reviewer-2", LATER, repo)

    decided = await record_decision(
        pending, "reject", RejectReason.OTHER, "delivery van of the market", None, "reviewer-2", LATER, repo
    )
    assert decided["reason_text"] == "delivery van of the market"


async def test_deciding_twice_is_a_conflict(repo: FakeCandidateRepository, pending: UUID) -> None:
    await record_decision(pending, "accept", None, None, None, "reviewer-2", LATER, repo)

    with pytest.raises(Conflict):
        await record_decision(pending, "reject", RejectReason.MISREAD, None, None, "reviewer-3", LATER, repo)

    stored = await repo.get(pending)
    assert stored is not None
    assert (stored["status"], stored["decided_by"]) == (Status.ACCEPTED, "reviewer-2")
    assert len(repo.audit_log) == 1


async def test_deciding_an_unknown_candidate_is_not_found(repo: FakeCandidateRepository) -> None:
    with pytest.raises(NotFound):
        await record_decision(uuid4(), "accept", None, None, None, "reviewer-2", LATER, repo)

    assert repo.audit_log == []
