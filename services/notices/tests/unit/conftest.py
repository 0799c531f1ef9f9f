from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from anpr_contracts import CandidateRaised, PlateRecognized, ReadSource, RegimeMode
from anpr_notices.domain.model import Actor

from .fakes import FakeAuditLog, FakeCandidateRepository

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
KEY = "unit-pseudonym-key"
# People as the services see them: a stable subject and a display name.
REVIEWER_2 = Actor("reviewer-2", "Anna de Vries")
REVIEWER_3 = Actor("reviewer-3", "Bram Jansen")
SUPERVISOR_4 = Actor("supervisor-4", "Chris Bakker")


def a_candidate(
    read_id: str = "00000000-0000-4000-8000-000000000001",
    plate: str = "63HKHD",
    mode: RegimeMode = RegimeMode.ENFORCE,
    confidence: float = 0.97,
    **overrides: object,
) -> CandidateRaised:
    read = PlateRecognized(
        read_id=UUID(read_id),
        source=ReadSource.CAMERA,
        camera_id="cam-1",
        location_id="loc-centrum-noord",
        zone_id="centrum",
        observed_at=NOW - timedelta(hours=1),
        plate=plate,
        formatted="63-HK-HD",
        country="NL",
        confidence=confidence,
        box=(10, 20, 110, 50),
        plate_jpeg=b"\xff\xd8plate",
        overview_jpeg=b"\xff\xd8overview",
    )
    fields: dict[str, object] = {
        "candidate_key": f"milieuzone-centrum:{read.read_id}",
        "read": read,
        "regime_id": "milieuzone-centrum",
        "regime_version": "2026.1",
        "mode": mode,
        "legal_reference": "RVV 1990 art. 86t",
        "fine_eur": 120 if mode is RegimeMode.ENFORCE else None,
        "explanation": ("emission class 3 is below the required 4",),
        "vehicle": {"europese_voertuigcategorie": "M1"},
    }
    fields.update(overrides)
    return CandidateRaised.model_validate(fields)


@pytest.fixture
def repo() -> FakeCandidateRepository:
    return FakeCandidateRepository()


@pytest.fixture
def audit() -> FakeAuditLog:
    return FakeAuditLog()
