"""Permits: every change is audited and published (compacted topic) so rules keeps a current index."""

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from anpr_contracts import EXEMPTIONS, ExemptionChanged
from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.model import Exemption
from anpr_runtime import Conflict, NotFound
from anpr_runtime.pseudonym import vehicle_key


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


def _changed(exemption: Exemption, pseudonym_key: str) -> ExemptionChanged:
    # Only the keyed hash leaves this service: rules needs no clear plate to look an exemption up.
    return ExemptionChanged(
        exemption_id=exemption.exemption_id,
        plate_key=vehicle_key(exemption.plate, pseudonym_key),
        kind=exemption.kind,
        regimes=exemption.regimes,
        valid_from=exemption.valid_from,
        valid_until=exemption.valid_until,
        revoked=exemption.revoked,
    )


async def grant(
    exemption: Exemption, actor: str, now: datetime, repo: ExemptionRepository, publisher: Publisher, key: str
) -> None:
    if await repo.get(exemption.exemption_id) is not None:
        raise Conflict(f"exemption {exemption.exemption_id!r} exists")
    await repo.add(exemption)
    await repo.record(now, actor, "grant", exemption.exemption_id)
    await publisher.publish(EXEMPTIONS.name, exemption.exemption_id, _changed(exemption, key))


async def revoke(
    exemption_id: str, actor: str, now: datetime, repo: ExemptionRepository, publisher: Publisher, key: str
) -> Exemption:
    exemption = await repo.get(exemption_id)
    if exemption is None:
        raise NotFound(f"no exemption {exemption_id!r}")
    revoked = replace(exemption, revoked=True)
    await repo.revoke(exemption_id)
    await repo.record(now, actor, "revoke", exemption_id)
    await publisher.publish(EXEMPTIONS.name, exemption_id, _changed(revoked, key))
    return revoked


async def check(plate: str, regime_id: str, moment: datetime, repo: ExemptionRepository) -> list[Exemption]:
    return [e for e in await repo.of_plate(plate) if e.covers(regime_id, moment)]
