from uuid import UUID

from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.domain.letter import render_warning_letter
from anpr_runtime import Conflict, NotFound


async def warning_letter_of(candidate_id: UUID, repo: CandidateRepository) -> str:
    """The printable warning letter (HTML) of a candidate for which a warning was issued."""
    candidate = await repo.get(candidate_id)
    if candidate is None:
        raise NotFound(f"no candidate {candidate_id}")
    if candidate["issued_as"] != "warning":
        raise Conflict(f"no warning was issued for candidate {candidate_id} (status {candidate['status']})")
    return render_warning_letter(candidate)
