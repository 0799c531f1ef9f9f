"""A vehicle's earlier candidates in one regime, as the reviewer sees them next to a new one: against
cloned plates (a car seen where the owner's never goes) and for repeat offences."""

from collections.abc import Mapping
from typing import Any

HISTORY_LIMIT = 20


def history_entry(candidate: Mapping[str, Any]) -> dict[str, Any]:
    """One earlier candidate with its latest decision (None while undecided). Under four-eyes the latest is
    the second reviewer's, the one that settled it."""
    decisions = candidate["decisions"]
    last = decisions[-1] if decisions else None
    return {
        "id": str(candidate["candidate_id"]),
        "observed_at": candidate["observed_at"],
        "location": candidate["location_id"],
        "status": candidate["status"],
        "decision": last["decision"] if last else None,
        "decided_by": last["by"] if last else None,
        "decided_by_name": last["by_name"] if last else None,
        "decided_at": last["at"] if last else None,
        "reason": last["reason"] if last else None,
    }
