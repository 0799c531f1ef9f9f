from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.permit import DayPermitPolicy
from anpr_exemptions.domain.quota import QuotaUse, ensure_day_permit_allowed, quota_use
from anpr_exemptions.handlers.ports import Ports


async def ensure_quota(exemption: Exemption, ports: Ports) -> None:
    """For a day permit: takes the vehicle-year's lock (held to the end of the transaction), then counts."""
    if exemption.kind is not ExemptionKind.DAY_PERMIT:
        return
    assert exemption.day is not None, "issue() sets it for day permits"
    assert exemption.municipality is not None, "issue() sets it for day permits"
    plate, municipality, year = exemption.plate, exemption.municipality, exemption.day.year
    await ports.repo.lock_day_permits(plate, municipality, year)
    others = [
        e for e in await ports.repo.day_permits(plate, municipality, year) if e.exemption_id != exemption.exemption_id
    ]
    ensure_day_permit_allowed(plate, exemption.day, municipality, others, ports.policy.per_year)


async def day_permits_used(plate: str, year: int, repo: ExemptionRepository, policy: DayPermitPolicy) -> QuotaUse:
    """The vehicle's day permits in this deployment's municipality that year, against the limit. A read
    without the lock: the answer is for the permit desk's screen, granting still counts under the lock."""
    same_year = await repo.day_permits(plate, policy.municipality, year)
    return quota_use(plate, year, policy.municipality, same_year, policy.per_year)
