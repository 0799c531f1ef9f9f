from datetime import UTC, datetime, timedelta

from anpr_ingest.domain.model import Placement

START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
END = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_closed_placement_covers_from_its_start_up_to_not_including_its_end() -> None:
    placement = Placement("cam-1", "loc-a", START, END)
    assert not placement.covers(START - TICK)
    assert placement.covers(START)
    assert placement.covers(END - TICK)
    assert not placement.covers(END)


def test_open_placement_covers_everything_from_its_start() -> None:
    placement = Placement("cam-1", "loc-a", START, None)
    assert not placement.covers(START - TICK)
    assert placement.covers(START)
    assert placement.covers(START + timedelta(days=3650))


def test_open_placement_may_be_followed_by_any_later_start() -> None:
    placement = Placement("cam-1", "loc-a", START, None)
    assert not placement.can_be_followed_at(START)
    assert placement.can_be_followed_at(START + TICK)


def test_closed_placement_may_be_followed_only_from_its_end() -> None:
    placement = Placement("cam-1", "loc-a", START, END)
    assert not placement.can_be_followed_at(END - TICK)
    assert placement.can_be_followed_at(END)
