from datetime import UTC, datetime, timedelta

from anpr_notices.domain.stats import backlog, per_hour

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
