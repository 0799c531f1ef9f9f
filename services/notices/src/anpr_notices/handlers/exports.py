from datetime import datetime
from typing import Any
from uuid import uuid4

from anpr_notices.adapters.exports import ExportRepository
from anpr_notices.domain.model import Actor


async def export_issued(actor: Actor, now: datetime, repo: ExportRepository) -> dict[str, Any]:
    """A new batch with every issued notice and warning not exported before (possibly none)."""
    batch = await repo.create_batch(uuid4(), now, actor)
    return {**batch, "count": batch["notices"] + batch["warnings"]}
