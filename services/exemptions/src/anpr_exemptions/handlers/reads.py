from collections.abc import Sequence
from datetime import datetime

from anpr_exemptions.adapters.reads import ReadLog
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.domain.reads import ReadEntry
from anpr_runtime.pseudonym import vehicle_key


async def log_read(
    log: ReadLog,
    now: datetime,
    actor: Actor,
    action: str,
    purpose: str,
    shown: Sequence[Exemption],
    plate: str | None,
    pseudonym_key: str,
) -> None:
    """One row per read of permit data; the vehicle as its pseudonym (the asked plate, else the one plate
    every shown permit has)."""
    plates = {e.plate for e in shown}
    asked = plate if plate is not None else (next(iter(plates)) if len(plates) == 1 else None)
    plate_key = None if asked is None else vehicle_key(asked, pseudonym_key)
    entry = ReadEntry(now, actor.subject, actor.name, action, purpose, plate_key, tuple(e.exemption_id for e in shown))
    await log.record(entry)
