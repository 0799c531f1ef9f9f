from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.domain.search import Search
from anpr_runtime import NotFound


async def get(exemption_id: str, repo: ExemptionRepository, for_update: bool = False) -> Exemption:
    exemption = await repo.get(exemption_id, for_update=for_update)
    if exemption is None:
        raise NotFound(f"no exemption {exemption_id!r}")
    return exemption


async def search(query: Search, repo: ExemptionRepository) -> list[Exemption]:
    return await repo.search(query)
