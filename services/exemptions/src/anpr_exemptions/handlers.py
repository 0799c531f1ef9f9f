"""Permits: every change is audited and published (compacted topic) so rules keeps a current index.

The caller runs each use case inside one database transaction and commits only after it returned: the
publish is the last step, so a failed publish rolls the change back instead of losing it for rules.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from anpr_contracts import EXEMPTIONS, ExemptionChanged
from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.audit import AuditEntry, snapshot
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.permit import DayPermitPolicy, amend
from anpr_exemptions.domain.quota import ensure_day_permit_allowed
from anpr_exemptions.domain.search import Search
from anpr_runtime import Conflict, NotFound
from anpr_runtime.pseudonym import vehicle_key


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


@dataclass(frozen=True)
class Ports:
    repo: ExemptionRepository
    publisher: Publisher
    pseudonym_key: str
    policy: DayPermitPolicy


def _changed(exemption: Exemption, pseudonym_key: str) -> ExemptionChanged:
    # Only the keyed hash leaves this service: rules needs no clear plate to look an exemption up.
    return ExemptionChanged(
        exemption_id=exemption.exemption_id,
        plate_key=vehicle_key(exemption.plate, pseudonym_key),
        kind=exemption.kind,
        regimes=exemption.regimes,
        zones=exemption.zones,
        valid_from=exemption.valid_from,
        valid_until=exemption.valid_until,
        daily_from=exemption.daily_from,
        daily_until=exemption.daily_until,
        revoked=exemption.revoked,
    )


async def _publish(exemption: Exemption, ports: Ports) -> None:
    await ports.publisher.publish(EXEMPTIONS.name, exemption.exemption_id, _changed(exemption, ports.pseudonym_key))


async def _ensure_quota(exemption: Exemption, ports: Ports) -> None:
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


async def grant(exemption: Exemption, actor: str, now: datetime, ports: Ports) -> None:
    if await ports.repo.get(exemption.exemption_id) is not None:
        raise Conflict(f"exemption {exemption.exemption_id!r} exists")
    await _ensure_quota(exemption, ports)
    await ports.repo.add(exemption)
    await ports.repo.record(AuditEntry(now, actor, "grant", exemption.exemption_id, after=snapshot(exemption)))
    await _publish(exemption, ports)


async def update(exemption_id: str, changes: Mapping[str, Any], actor: str, now: datetime, ports: Ports) -> Exemption:
    current = await get(exemption_id, ports.repo, for_update=True)
    if current.revoked:
        raise Conflict(f"exemption {exemption_id!r} is revoked: issue a new permit instead")
    updated = amend(current, changes, ports.policy)
    if updated == current:
        return current  # nothing changed: nothing to audit or publish
    if updated.day != current.day:
        await _ensure_quota(updated, ports)
    await ports.repo.update(updated)
    await ports.repo.record(AuditEntry(now, actor, "update", exemption_id, snapshot(current), snapshot(updated)))
    await _publish(updated, ports)
    return updated


async def revoke(exemption_id: str, actor: str, now: datetime, ports: Ports) -> Exemption:
    current = await get(exemption_id, ports.repo, for_update=True)
    if current.revoked:
        return current  # idempotent: a retried revoke changes nothing
    revoked = replace(current, revoked=True)
    await ports.repo.update(revoked)
    await ports.repo.record(AuditEntry(now, actor, "revoke", exemption_id, snapshot(current), snapshot(revoked)))
    await _publish(revoked, ports)
    return revoked


async def get(exemption_id: str, repo: ExemptionRepository, for_update: bool = False) -> Exemption:
    exemption = await repo.get(exemption_id, for_update=for_update)
    if exemption is None:
        raise NotFound(f"no exemption {exemption_id!r}")
    return exemption


async def search(query: Search, repo: ExemptionRepository) -> list[Exemption]:
    return await repo.search(query)


async def audit_trail(exemption_id: str, repo: ExemptionRepository) -> list[AuditEntry]:
    entries = await repo.audit_of(exemption_id)
    if not entries and await repo.get(exemption_id) is None:
        raise NotFound(f"no exemption {exemption_id!r}")
    return entries


async def check(
    plate: str, regime_id: str, moment: datetime, repo: ExemptionRepository, zone: str | None = None
) -> list[Exemption]:
    return [e for e in await repo.of_plate(plate) if e.covers(regime_id, moment, zone)]
