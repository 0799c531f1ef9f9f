"""In-memory stand-ins for the rules ports (same methods as `PostgresRulesRepository`)."""

from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from anpr_contracts import ExemptionChanged
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle

REGIME_DIR = Path(__file__).resolve().parents[4] / "deploy" / "regimes"


class FakeRulesRepository:
    def __init__(self, vehicles: list[Vehicle] | None = None) -> None:
        self.vehicles = {v.plate: v for v in vehicles or []}
        self.exemptions: dict[str, ExemptionChanged] = {}
        self.counts: Counter[tuple[str, str, datetime, str]] = Counter()
        self.looked_up: list[str] = []

    async def vehicle(self, plate: str) -> Vehicle | None:
        self.looked_up.append(plate)
        return self.vehicles.get(plate)

    async def is_exempt(self, plate_key: str, regime_id: str, moment: datetime, kinds: tuple[str, ...]) -> bool:
        return any(
            e.plate_key == plate_key
            and (not kinds or e.kind in kinds)
            and not e.revoked
            and e.valid_from <= moment
            and (e.valid_until is None or moment < e.valid_until)
            and (not e.regimes or regime_id in e.regimes)
            for e in self.exemptions.values()
        )

    async def index_exemption(self, change: ExemptionChanged) -> None:
        self.exemptions[change.exemption_id] = change

    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None:
        self.counts[regime_id, location_id, hour, str(outcome)] += 1


_DIESEL_2003 = Vehicle(
    plate="63HKHD",
    kind="Personenauto",
    category="M1",
    first_admission=date(2003, 5, 14),
    max_mass_kg=1790,
    empty_mass_kg=1310,
    fuels=("Diesel",),
    registered_emission_class=3,
)


def a_vehicle(**overrides: Any) -> Vehicle:
    """A diesel car of 2003 (emission class 3 registered), below a green milieuzone."""
    return replace(_DIESEL_2003, **overrides)


def a_regime(**overrides: object) -> Regime:
    """A milieuzone for diesel M1/N1 below class 4, enforcing from 2026-01-01 at loc-a and loc-b."""
    fields: dict[str, object] = {
        "id": "mz-test",
        "version": "7",
        "name": "Test milieuzone",
        "kind": "milieuzone",
        "legal_reference": "RVV 1990 art. 86t",
        "locations": ["loc-a", "loc-b"],
        "effective_from": "2025-01-01T00:00:00+01:00",
        "modes": [
            {"starts": "2025-01-01T00:00:00+01:00", "mode": "observe"},
            {"starts": "2025-07-01T00:00:00+02:00", "mode": "warn"},
            {"starts": "2026-01-01T00:00:00+01:00", "mode": "enforce"},
        ],
        "criteria": {"fuels": ["Diesel"], "categories": ["M1", "N1"], "min_emission_class": 4},
        "fine_eur": {"M1": 120, "N1": 120, "N2": 300},
    }
    fields.update(overrides)
    return Regime.model_validate(fields)
