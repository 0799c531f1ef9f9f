from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.audit import AuditEntry
from anpr_runtime import NotFound


async def audit_trail(exemption_id: str, repo: ExemptionRepository) -> list[AuditEntry]:
    entries = await repo.audit_of(exemption_id)
    if not entries and await repo.get(exemption_id) is None:
        raise NotFound(f"no exemption {exemption_id!r}")
    return entries
