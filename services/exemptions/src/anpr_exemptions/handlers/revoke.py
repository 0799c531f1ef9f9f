from dataclasses import replace
from datetime import datetime

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.handlers.changes import audit_and_publish
from anpr_exemptions.handlers.lookup import get
from anpr_exemptions.handlers.ports import Ports


async def revoke(exemption_id: str, actor: Actor, now: datetime, ports: Ports) -> Exemption:
    current = await get(exemption_id, ports.repo, for_update=True)
    if current.revoked:
        return current  # idempotent: a retried revoke changes nothing
    revoked = replace(current, revoked=True)
    await ports.repo.update(revoked)
    await audit_and_publish("revoke", current, revoked, actor, now, ports)
    return revoked
