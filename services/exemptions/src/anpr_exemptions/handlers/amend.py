from collections.abc import Mapping
from datetime import datetime
from typing import Any

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.domain.permit import amend
from anpr_exemptions.handlers.changes import audit_and_publish
from anpr_exemptions.handlers.lookup import get
from anpr_exemptions.handlers.ports import Ports
from anpr_exemptions.handlers.quota import ensure_quota
from anpr_runtime import Conflict


async def update(exemption_id: str, changes: Mapping[str, Any], actor: Actor, now: datetime, ports: Ports) -> Exemption:
    current = await get(exemption_id, ports.repo, for_update=True)
    if current.revoked:
        raise Conflict(f"exemption {exemption_id!r} is revoked: issue a new permit instead")
    updated = amend(current, changes, ports.policy)
    if updated == current:
        return current  # nothing changed: nothing to audit or publish
    if updated.day != current.day:
        await ensure_quota(updated, ports)
    await ports.repo.update(updated)
    await audit_and_publish("update", current, updated, actor, now, ports)
    return updated
