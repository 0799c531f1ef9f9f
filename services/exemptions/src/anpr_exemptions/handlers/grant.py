from datetime import datetime

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.handlers.changes import audit_and_publish
from anpr_exemptions.handlers.ports import Ports
from anpr_exemptions.handlers.quota import ensure_quota
from anpr_runtime import Conflict


async def grant(exemption: Exemption, actor: Actor, now: datetime, ports: Ports) -> None:
    if await ports.repo.get(exemption.exemption_id) is not None:
        raise Conflict(f"exemption {exemption.exemption_id!r} exists")
    await ensure_quota(exemption, ports)
    await ports.repo.add(exemption)
    await audit_and_publish("grant", None, exemption, actor, now, ports)
