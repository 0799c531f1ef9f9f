from typing import Any
from uuid import UUID

from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.domain.history import HISTORY_LIMIT, history_entry
from anpr_runtime import NotFound


async def offender_history(candidate_id: UUID, repo: CandidateRepository) -> list[dict[str, Any]]:
    """The vehicle's earlier candidates in the candidate's own regime, newest first, at most HISTORY_LIMIT.
    Never another regime's: a reviewer of one regime has no business with what the vehicle did elsewhere."""
    candidate = await repo.get(candidate_id)
    if candidate is None:
        raise NotFound(f"no candidate {candidate_id}")
    return [history_entry(c) for c in await repo.earlier_of_vehicle(candidate, HISTORY_LIMIT)]
