from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.quota import ensure_day_permit_allowed
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
