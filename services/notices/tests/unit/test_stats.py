from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_notices.domain.stats import backlog, per_hour
from anpr_notices.handlers import report_stats
from anpr_runtime import PermanentError

H9 = datetime(2026, 3, 2, 9, tzinfo=UTC)
H10 = H9 + timedelta(hours=1)


def test_buckets_merge_reads_candidates_and_rejections() -> None:
    reads = [("mz", "loc-a", H9, "no_hit", 90), ("mz", "loc-a", H9, "candidate", 10), ("mz", "", H10, "exempt", 3)]
    candidates = [
        ("mz", "loc-a", H9, "notice_issued", 4),
        ("mz", "loc-a", H9, "exported", 2),
        ("mz", "loc-a", H9, "rejected", 3),
        ("mz", "loc-a", H9, "pending", 1),
        ("mz", None, H10, "accepted_no_notice", 1),
    ]
    rejections = [("mz", "loc-a", H9, "misread", 2), ("mz", "loc-a", H9, "exempt", 1)]

    found = per_hour(reads, candidates, rejections)

    assert [(b["regime_id"], b["location_id"], b["hour"]) for b in found] == [("mz", "loc-a", H9), ("mz", "", H10)]
    first, second = found
    assert first["reads_judged"] == 100
    assert first["outcomes"] == {"no_hit": 90, "candidate": 10}
    assert (first["candidates"], first["accepted"]) == (10, 6)
    assert first["rejected"] == {"misread": 2, "exempt": 1}
    assert (second["reads_judged"], second["candidates"], second["accepted"]) == (3, 1, 1)


def test_backlog_age_is_that_of_the_oldest_waiting_candidate() -> None:
    found = backlog({"pending": 7, "awaiting_second_review": 2}, H9, H10)

    assert found == {
        "pending": 7,
        "awaiting_second_review": 2,
        "reevaluating": 0,
        "oldest_pending_since": H9,
        "oldest_pending_age_seconds": 3600,
    }
    assert backlog({}, None, H10)["oldest_pending_age_seconds"] is None


class FakeStats:
    """Rules' counters unreadable, one pending candidate."""

    async def reads_judged(self, since: datetime, until: datetime) -> list[tuple[Any, ...]] | None:
        return None

    async def notices(self, since: datetime, until: datetime, now: datetime) -> dict[str, Any]:
        throughput = [("sub-renske", H9, 3, "Renske de Vries"), ("sub-old", H9, 1, None)]
        return {"candidates": [], "rejections": [], "throughput": throughput, "waiting": [("pending", 1, H9)]}


async def test_report_defaults_to_the_last_day_and_says_what_it_could_not_read() -> None:
    found = await report_stats(None, None, H10, FakeStats())

    assert (found["since"], found["until"]) == (H10 - timedelta(hours=24), H10)
    assert found["sources"] == {"rules_outcome_counts": "unavailable"}
    assert found["backlog"]["pending"] == 1


async def test_report_refuses_a_window_longer_than_92_days() -> None:
    with pytest.raises(PermanentError, match="at most 92 days apart"):
        await report_stats(H9 - timedelta(days=93), H9, H10, FakeStats())


async def test_reviewers_come_with_their_display_name_where_decisions_kept_one() -> None:
    found = await report_stats(None, None, H10, FakeStats())

    assert [(r["reviewer"], r["reviewer_name"], r["decisions"]) for r in found["reviewers"]] == [
        ("sub-renske", "Renske de Vries", 3),
        ("sub-old", None, 1),
    ]
