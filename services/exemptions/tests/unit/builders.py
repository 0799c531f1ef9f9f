"""Ready-made permits for the unit tests; each test overrides only what it is about."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.permit import DayPermitPolicy, Terms, issue

KEY = "unit-pseudonym-key"
POLICY = DayPermitPolicy(municipality="haarlem", per_year=12, ends_next_day_at=time(6))
FROM = datetime(2026, 1, 1, tzinfo=UTC)

PERMIT = Exemption(
    exemption_id="ex-1",
    plate="63HKHD",
    kind=ExemptionKind.RESIDENT,
    regimes=("milieuzone-centrum",),
    valid_from=FROM,
    valid_until=datetime(2027, 1, 1, tzinfo=UTC),
    reference="VERG-2026-0001",
    issuer="Gemeente Haarlem",
)


def an_exemption(exemption_id: str = "ex-1", **overrides: Any) -> Exemption:
    return replace(PERMIT, exemption_id=exemption_id, **overrides)


def terms(**overrides: Any) -> Terms:
    values: dict[str, Any] = {
        "plate": "63HKHD",
        "kind": ExemptionKind.RESIDENT,
        "reference": "VERG-2026-0001",
        "issuer": "Gemeente Haarlem",
        "regimes": ("milieuzone-centrum",),
        "valid_from": FROM,
    }
    return Terms(**(values | overrides))


def a_day_permit(day: date, exemption_id: str | None = None, plate: str = "VX123B") -> Exemption:
    day_terms = terms(plate=plate, kind=ExemptionKind.DAY_PERMIT, regimes=("ze-centrum",), valid_from=None, day=day)
    return issue(exemption_id or f"day-{plate}-{day.isoformat()}", day_terms, POLICY)
