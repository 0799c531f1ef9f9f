"""The last steps every change shares: its audit entry, then the publish."""

from datetime import datetime

from anpr_contracts import EXEMPTIONS, ExemptionChanged
from anpr_exemptions.domain.audit import Actor, AuditEntry, snapshot
from anpr_exemptions.domain.fields import fields_of
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.handlers.ports import Ports
from anpr_runtime.pseudonym import vehicle_key


def changed(exemption: Exemption, pseudonym_key: str) -> ExemptionChanged:
    # The contract decides what leaves this service: it has the keyed hash and no clear plate, which rules
    # does not need to look an exemption up.
    values = fields_of(exemption)
    published = {name: values[name] for name in ExemptionChanged.model_fields if name in values}
    return ExemptionChanged(plate_key=vehicle_key(exemption.plate, pseudonym_key), **published)


async def audit_and_publish(
    action: str, before: Exemption | None, after: Exemption, actor: Actor, now: datetime, ports: Ports
) -> None:
    """Audit first, publish last: the publish is what may fail, and then the transaction rolls back."""
    before_state = None if before is None else snapshot(before)
    entry = AuditEntry(now, actor.subject, action, after.exemption_id, before_state, snapshot(after), actor.name)
    await ports.repo.record(entry)
    await ports.publisher.publish(EXEMPTIONS.name, after.exemption_id, changed(after, ports.pseudonym_key))
