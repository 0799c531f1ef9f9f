"""Daily windows and day permits on the wall clock of Amsterdam, including both DST changes of 2026
(last Sunday of March: 02:00 -> 03:00; last Sunday of October: 03:00 -> 02:00)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from anpr_exemptions.domain.local_time import LOCAL, day_permit_validity, in_daily_window, local_clock

NIGHT = (time(22), time(2))  # wraps past midnight


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (local(2026, 2, 10, 21, 59, 59), False),
        (local(2026, 2, 10, 22, 0), True),
        (local(2026, 2, 10, 23, 59), True),
        (local(2026, 2, 11, 0, 0), True),
        (local(2026, 2, 11, 1, 59, 59), True),
        (local(2026, 2, 11, 2, 0), False),
        (local(2026, 2, 11, 12, 0), False),
    ],
)
def test_a_window_of_22_to_02_runs_past_midnight(moment: datetime, inside: bool) -> None:
    assert in_daily_window(moment, *NIGHT) is inside


def test_a_window_inside_one_day_includes_its_start_and_excludes_its_end() -> None:
    assert in_daily_window(local(2026, 6, 1, 6, 0), time(6), time(11))
    assert not in_daily_window(local(2026, 6, 1, 11, 0), time(6), time(11))


def test_summer_time_is_judged_on_the_local_clock() -> None:
    # 2026-07-01 20:30 UTC is 22:30 in Amsterdam (UTC+2), 21:30 in winter terms.
    assert in_daily_window(utc(2026, 7, 1, 20, 30), *NIGHT)
    assert not in_daily_window(utc(2026, 1, 15, 20, 30), *NIGHT)  # 21:30 local (UTC+1)


def test_last_sunday_of_march_the_missing_hour_shortens_only_windows_that_contain_it() -> None:
    # 2026-03-29 at 01:00 UTC the clock jumps from 02:00 CET to 03:00 CEST.
    assert in_daily_window(utc(2026, 3, 28, 21, 0), *NIGHT)  # 22:00 CET
    assert in_daily_window(utc(2026, 3, 29, 0, 59, 59), *NIGHT)  # 01:59:59 CET
    assert not in_daily_window(utc(2026, 3, 29, 1, 0), *NIGHT)  # 03:00 CEST: 02:00-03:00 never happened
    assert _minutes_covered(utc(2026, 3, 28, 12), *NIGHT) == 4 * 60, "22:00-02:00 ends before the jump"
    assert _minutes_covered(utc(2026, 3, 28, 12), time(1), time(4)) == 2 * 60, "01:00-04:00 loses an hour"


def test_last_sunday_of_october_the_repeated_hour_is_in_a_window_that_contains_it() -> None:
    # 2026-10-25 at 01:00 UTC the clock goes back from 03:00 CEST to 02:00 CET: 02:00-03:00 happens twice.
    first, second = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)
    assert local_clock(first) == local_clock(second) == time(2, 30)
    assert in_daily_window(first, time(1), time(3))
    assert in_daily_window(second, time(1), time(3))
    assert not in_daily_window(first, *NIGHT)
    assert not in_daily_window(second, *NIGHT)
    assert in_daily_window(utc(2026, 10, 24, 23, 59), *NIGHT)  # 01:59 CEST
    assert _minutes_covered(utc(2026, 10, 24, 12), *NIGHT) == 4 * 60, "22:00-02:00 ends before the change"
    assert _minutes_covered(utc(2026, 10, 24, 12), time(1), time(3)) == 3 * 60, "01:00-03:00 gains an hour"


def test_day_permit_runs_from_local_midnight_to_six_the_next_morning() -> None:
    start, end = day_permit_validity(date(2026, 2, 10), time(6))
    assert (start, end) == (utc(2026, 2, 9, 23), utc(2026, 2, 11, 5))
    assert start.tzinfo is UTC
    summer = day_permit_validity(date(2026, 7, 10), time(6))
    assert summer == (utc(2026, 7, 9, 22), utc(2026, 7, 11, 4))


def test_day_permit_over_a_dst_change_keeps_local_times_not_its_length() -> None:
    march = day_permit_validity(date(2026, 3, 28), time(6))  # its night has the spring change
    assert march == (utc(2026, 3, 27, 23), utc(2026, 3, 29, 4))
    assert march[1] - march[0] == timedelta(hours=29)
    october = day_permit_validity(date(2026, 10, 24), time(6))
    assert october == (utc(2026, 10, 23, 22), utc(2026, 10, 25, 5))
    assert october[1] - october[0] == timedelta(hours=31)


def _minutes_covered(start: datetime, window_from: time, window_until: time) -> int:
    """Real minutes inside the window in the 24 hours from `start`, sampled every minute."""
    return sum(in_daily_window(start + timedelta(minutes=m), window_from, window_until) for m in range(24 * 60))
