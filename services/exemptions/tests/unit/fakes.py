"""In-memory stand-in for the exemptions port (same methods as `PostgresExemptionRepository`)."""

from anpr_exemptions.domain.audit import AuditEntry
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.search import Search


class FakeExemptionRepository:
    def __init__(self) -> None:
        self.exemptions: dict[str, Exemption] = {}
        self.audit: list[AuditEntry] = []
        self.locks: list[tuple[str, str, int]] = []  # the quota locks taken, in order

    async def add(self, exemption: Exemption) -> None:
        if exemption.exemption_id in self.exemptions:
            raise AssertionError(f"primary key violated: {exemption.exemption_id}")
        self.exemptions[exemption.exemption_id] = exemption

    async def get(self, exemption_id: str, for_update: bool = False) -> Exemption | None:
        return self.exemptions.get(exemption_id)

    async def update(self, exemption: Exemption) -> None:
        if exemption.exemption_id in self.exemptions:
            self.exemptions[exemption.exemption_id] = exemption

    async def of_plate(self, plate: str) -> list[Exemption]:
        return [e for e in self.exemptions.values() if e.plate == plate]

    async def search(self, query: Search) -> list[Exemption]:
        found = [
            e
            for e in sorted(self.exemptions.values(), key=lambda e: e.exemption_id)
            if (query.plate is None or e.plate == query.plate)
            and (query.kind is None or e.kind == query.kind)
            and (query.regime is None or not e.regimes or query.regime in e.regimes)
            and (query.active_at is None or e.active_at(query.active_at))
        ]
        return sorted(found, key=lambda e: e.valid_from, reverse=True)[: query.limit]

    async def lock_day_permits(self, plate: str, municipality: str, year: int) -> None:
        self.locks.append((plate, municipality, year))

    async def day_permits(self, plate: str, municipality: str, year: int) -> list[Exemption]:
        return [
            e
            for e in self.exemptions.values()
            if e.kind is ExemptionKind.DAY_PERMIT
            and e.plate == plate
            and e.municipality == municipality
            and e.day is not None
            and e.day.year == year
        ]

    async def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    async def audit_of(self, exemption_id: str) -> list[AuditEntry]:
        return [a for a in self.audit if a.exemption_id == exemption_id]
