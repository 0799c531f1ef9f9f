from datetime import UTC, datetime, timedelta, timezone

import pytest

from anpr_ingest.domain.clock import ClockSkew, FrameTooOld, check_capture_time, skew_seconds

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_capture_in_the_past_is_fine_however_old_without_a_maximum_age() -> None:
    check_capture_time(NOW - timedelta(days=3), NOW, 300)


def test_capture_exactly_at_the_allowed_skew_is_fine() -> None:
    check_capture_time(NOW + timedelta(seconds=300), NOW, 300)


def test_capture_further_in_the_future_than_the_skew_is_refused_422() -> None:
    with pytest.raises(ClockSkew, match="301 s in the future") as caught:
        check_capture_time(NOW + timedelta(seconds=301), NOW, 300)
    assert caught.value.status_code == 422
    assert not caught.value.retriable


def test_skew_compares_instants_not_wall_clocks() -> None:
    amsterdam = timezone(timedelta(hours=1))
    # 13:04 in Amsterdam is 12:04 UTC: four minutes ahead, within five.
    check_capture_time(datetime(2026, 3, 1, 13, 4, tzinfo=amsterdam), NOW, 300)
    with pytest.raises(ClockSkew):
        check_capture_time(datetime(2026, 3, 1, 13, 6, tzinfo=amsterdam), NOW, 300)


def test_capture_up_to_the_maximum_age_is_fine() -> None:
    check_capture_time(NOW - timedelta(hours=24), NOW, 300, max_age_seconds=24 * 3600)


def test_capture_older_than_the_maximum_age_is_refused_422() -> None:
    with pytest.raises(FrameTooOld, match=r"25.0 h old; frames older than 24 h are refused") as caught:
        check_capture_time(NOW - timedelta(hours=25), NOW, 300, max_age_seconds=24 * 3600)
    assert caught.value.status_code == 422
    assert not caught.value.retriable


def test_skew_is_capture_time_minus_server_time() -> None:
    assert skew_seconds(NOW + timedelta(seconds=90), NOW) == 90
    assert skew_seconds(NOW - timedelta(minutes=2), NOW) == -120
