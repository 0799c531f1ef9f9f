"""In-memory stand-in for the exemptions port (same methods as `PostgresExemptionRepository`)."""

from dataclasses import replace
from datetime import datetime

from anpr_exemptions.domain.model import Exemption


class FakeExemptionRepository:
    def __init__(self) -> None:
        self.exemptions: dict[str, Exemption] = {}
        self.audit: list[tuple[datetime, str, str, str]] = []

    async def add(self, exemption: Exemption) -> None:
        if exemption.exemption_id in self.exemptions:
            raise AssertionError(f"primary key violated: {exemption.exemption_id}")
        self.exemptions[exemption.exemption_id] = exemption

    async def get(self, exemption_id: str) -> Exemption | None:
        return self.exemptions.get(exemption_id)

    async def revoke(self, exemption_id: str) -> None:
        if exemption_id in self.exemptions:
            self.exemptions[exemption_id] = replace(self.exemptions[exemption_id], revoked=True)

    async def of_plate(self, plate: str) -> list[Exemption]:
        return [e for e in self.exemptions.values() if e.plate == plate]

    async def record(self, at: datetime, actor: str, action: str, exemption_id: str) -> None:
        self.audit.append((at, actor, action, exemption_id))
