"""Reviewer decisions: four-eyes, issuing on acceptance, and plate corrections sent to rules."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from prometheus_client import Counter

from anpr_contracts import COMMANDS, PlateRecognized, ReevaluateRead
from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.domain.model import ISSUED, Actor, Status
from anpr_notices.domain.workflow import Case, FourEyesPolicy, Verdict, needs_second_review, next_status
from anpr_notices.handlers.status import move
from anpr_runtime import NotFound
from anpr_runtime.ports import Publisher
from anpr_runtime.pseudonym import vehicle_key

DECISIONS = Counter("anpr_notices_decisions_total", "Reviewer decisions", ["regime", "decision", "status"])


@dataclass(frozen=True)
class ReviewRules:
    """What a decision needs beyond the request's repository: the four-eyes policies, where corrections
    go, and the key that turns a plate into its vehicle key."""

    four_eyes: Mapping[str, FourEyesPolicy]
    publisher: Publisher
    pseudonym_key: str


async def record_decision(
    candidate_id: UUID, verdict: Verdict, reviewer: Actor, now: datetime, repo: CandidateRepository, rules: ReviewRules
) -> dict[str, Any]:
    """The candidate after the decision. A correction is published before the caller commits: if the
    broker is down the whole decision fails (503) and the reviewer tries again, nothing half-done.
    Four-eyes compares subjects, never names: two people may share a display name."""
    candidate = await repo.get(candidate_id, lock=True)
    if candidate is None:
        raise NotFound(f"no candidate {candidate_id}")
    [candidate] = await with_review_flags([candidate], rules.four_eyes, repo)
    accepted_by = tuple(d["by"] for d in candidate["decisions"] if d["decision"] == "accept")
    case = Case(
        candidate["status"],
        candidate["plate"],
        candidate["mode"],
        candidate["enforceable"],
        accepted_by,
        candidate["needs_second_review"],
    )
    status = next_status(case, verdict, reviewer.subject)
    await repo.add_decision(candidate_id, reviewer, now, verdict)
    candidate["decisions"].append(
        {
            "by": reviewer.subject,
            "by_name": reviewer.name,
            "at": now,
            "decision": verdict.decision,
            "reason": verdict.reason,
            "reason_text": verdict.reason_text,
            "corrected_plate": verdict.corrected_plate,
        }
    )
    values: dict[str, Any] = {}
    if status in ISSUED:
        values = {"issued_at": now, "issued_as": "notice" if status is Status.NOTICE_ISSUED else "warning"}
    await move(repo, candidate, status, now, **values)
    if verdict.corrected_plate is not None:
        await _request_reevaluation(candidate, verdict.corrected_plate, reviewer, repo, rules)
    candidate["needs_second_review"] = status is Status.AWAITING_SECOND_REVIEW
    DECISIONS.labels(candidate["regime_id"], verdict.decision, status).inc()
    return candidate


async def with_review_flags(
    candidates: Sequence[dict[str, Any]], four_eyes: Mapping[str, FourEyesPolicy], repo: CandidateRepository
) -> list[dict[str, Any]]:
    """Adds `needs_second_review`: will (or does) acceptance of this candidate need a second reviewer."""
    first_offence_checks = {
        (c["vehicle_key"], c["regime_id"])
        for c in candidates
        if c["status"] is Status.PENDING and c["vehicle_key"] and _policy(four_eyes, c["regime_id"]).first_offence
    }
    earlier = await repo.offences(first_offence_checks) if first_offence_checks else set()
    flagged = []
    for c in candidates:
        pending = c["status"] is Status.PENDING
        needed = pending and needs_second_review(
            four_eyes.get(c["regime_id"]), c["confidence"], (c["vehicle_key"], c["regime_id"]) in earlier
        )
        flagged.append({**c, "needs_second_review": needed or c["status"] is Status.AWAITING_SECOND_REVIEW})
    return flagged


def _policy(four_eyes: Mapping[str, FourEyesPolicy], regime_id: str) -> FourEyesPolicy:
    return four_eyes.get(regime_id) or FourEyesPolicy()


async def _request_reevaluation(
    candidate: dict[str, Any], plate: str, reviewer: Actor, repo: CandidateRepository, rules: ReviewRules
) -> None:
    images = await repo.evidence_of(candidate["candidate_id"])
    original = candidate["read_event"] or _legacy_read(candidate)
    read = PlateRecognized.model_validate(
        {
            **original,
            "plate": plate,
            "formatted": None,  # rules and the reviewer see the corrected text, not the misread layout
            "plate_jpeg": images.get("plate"),
            "overview_jpeg": images.get("overview"),
        }
    )
    command = ReevaluateRead(
        read=read,
        candidate_key=candidate["candidate_key"],
        regime_id=candidate["regime_id"],
        requested_by=reviewer.subject,
        correlation_id=read.correlation_id,
    )
    await rules.publisher.publish(COMMANDS.name, vehicle_key(plate, rules.pseudonym_key), command)


def _legacy_read(candidate: Mapping[str, Any]) -> dict[str, Any]:
    """Candidates stored before migration 0003 kept no read: rebuild what the columns still say."""
    fields = ("camera_id", "location_id", "observed_at", "country", "confidence", "box", "correlation_id")
    return {"source": "camera", **{name: candidate[name] for name in fields}}
