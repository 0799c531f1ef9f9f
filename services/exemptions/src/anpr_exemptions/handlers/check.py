from datetime import datetime

from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.model import Exemption


async def check(
    plate: str, regime_id: str, moment: datetime, repo: ExemptionRepository, zone: str | None = None
) -> list[Exemption]:
    return [e for e in await repo.of_plate(plate) if e.covers(regime_id, moment, zone)]
