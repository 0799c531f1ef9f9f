from datetime import datetime
from typing import Any

from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.domain.model import Status
from anpr_notices.domain.retention import record_class


async def move(
    repo: CandidateRepository, candidate: dict[str, Any], status: Status, now: datetime, **values: Any
) -> None:
    """Change a candidate's status; its retention clock restarts only when it enters another class."""
    if record_class(status) != record_class(candidate["status"]):
        values["retention_from"] = now
    await repo.set_status(candidate["candidate_id"], status, values)
    candidate.update(values, status=status)
