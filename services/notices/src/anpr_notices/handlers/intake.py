"""What arrives from rules: candidates (stored once, also when one replaces a corrected candidate) and
the answer to a plate correction that raised none."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import Counter

from anpr_contracts import CandidateRaised, ReadReevaluated
from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.domain.model import Status
from anpr_notices.domain.workflow import answered
from anpr_notices.handlers.status import move
from anpr_runtime.pseudonym import vehicle_key

log = logging.getLogger(__name__)
STORED = Counter("anpr_notices_candidates_total", "Candidates received", ["regime", "outcome"])
CORRECTIONS = Counter("anpr_notices_corrections_total", "Plate corrections answered by rules", ["outcome"])


async def store_candidate(
    candidate: CandidateRaised, repo: CandidateRepository, pseudonym_key: str, now: datetime
) -> bool:
    """False for a redelivery. A candidate that `replaces` a corrected one closes that one as replaced."""
    old = await repo.get_by_key(candidate.replaces, lock=True) if candidate.replaces else None
    key = vehicle_key(candidate.read.plate, pseudonym_key)
    new_id = await repo.store(candidate, key, now, old["candidate_id"] if old else None)
    STORED.labels(candidate.regime_id, "stored" if new_id else "duplicate").inc()
    if new_id is None:
        return False
    if old is not None and old["status"] is Status.REEVALUATING:
        await move(repo, old, Status.REPLACED, now, replaced_by_id=new_id)
        CORRECTIONS.labels("replaced").inc()
    elif candidate.replaces:
        # Nobody asked for this correction any more (decided meanwhile, or purged): both stay, linked.
        log.warning("candidate %s replaces one that is not being re-evaluated", new_id)
    return True


async def store_candidates(
    candidates: Sequence[CandidateRaised], repo: CandidateRepository, pseudonym_key: str, now: datetime
) -> int:
    """`store_candidate` for candidates that replace none, all in one go; how many were new."""
    assert not any(c.replaces for c in candidates), "a replacing candidate is stored on its own"
    ids = await repo.store_many([(c, vehicle_key(c.read.plate, pseudonym_key)) for c in candidates], now)
    for candidate, new_id in zip(candidates, ids, strict=True):
        STORED.labels(candidate.regime_id, "stored" if new_id else "duplicate").inc()
    return sum(new_id is not None for new_id in ids)


async def close_reevaluated(answer: ReadReevaluated, repo: CandidateRepository, now: datetime) -> Status | None:
    """The new status of the corrected candidate, or None when a replacing candidate settles it."""
    old = await repo.get_by_key(answer.candidate_key, lock=True)
    if old is None or old["status"] is not Status.REEVALUATING:
        return None  # already replaced (the candidate arrives first), or a redelivered answer
    status = answered(answer.outcomes)
    if status is not None:
        await move(repo, old, status, now)
        CORRECTIONS.labels(status).inc()
    return status


@dataclass
class Intake:
    """One transaction's worth of consumed events: one message's, or a fetched batch's. Plain candidates in
    a row wait in `waiting` to be stored in one statement; a correction's candidate or answer first stores
    those before it, so the order of the partition holds. `flush` stores what is left at the end."""

    repo: CandidateRepository
    pseudonym_key: str
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    waiting: list[CandidateRaised] = field(default_factory=list)

    async def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        await store_candidates(waiting, self.repo, self.pseudonym_key, self.clock())


async def take_candidate(candidate: CandidateRaised, intake: Intake) -> None:
    if not candidate.replaces:
        intake.waiting.append(candidate)
        return
    await intake.flush()
    await store_candidate(candidate, intake.repo, intake.pseudonym_key, intake.clock())


async def take_answer(answer: ReadReevaluated, intake: Intake) -> None:
    await intake.flush()
    await close_reevaluated(answer, intake.repo, intake.clock())
