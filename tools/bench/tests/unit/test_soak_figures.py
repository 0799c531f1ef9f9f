"""The soak's computations on samples made up for the purpose: the growth window, growth per process,
the largest lag, and the verdict of the command."""

import pytest

from anpr_bench.soak_command import passed
from anpr_bench.soak_figures import Sample, growth_window, max_lag_per_group, rss_growth_pct, summary


def sample(seconds: float, rss: dict[str, float], lag: dict[str, int] | None = None) -> Sample:
    return Sample(seconds, rss, {name: 10 for name in rss}, {name: 2 for name in rss}, lag or {})


def test_an_hour_is_judged_from_minute_10_to_the_end() -> None:
    samples = [sample(minute * 60.0, {"rules-0": 100.0}) for minute in range(61)]

    start, end = growth_window(samples)

    assert (start.seconds, end.seconds) == (600.0, 3600.0)


def test_a_longer_run_still_leaves_out_only_the_first_10_minutes() -> None:
    samples = [sample(minute * 60.0, {"rules-0": 100.0}) for minute in range(121)]

    assert growth_window(samples)[0].seconds == 600.0


def test_a_short_run_leaves_out_the_same_share_and_starts_at_the_first_sample_after_it() -> None:
    # 15 minutes sampled every 60 s: the warm-up is 150 s, so the window opens with the sample at 180 s.
    samples = [sample(minute * 60.0, {"rules-0": 100.0}) for minute in range(16)]

    assert growth_window(samples)[0].seconds == 180.0


def test_growth_is_from_the_window_start_not_from_the_warm_up() -> None:
    samples = [
        sample(0, {"rules-0": 50.0, "notices-0": 100.0}),  # before warm-up: start-up memory, not growth
        sample(600, {"rules-0": 100.0, "notices-0": 100.0}),
        sample(1800, {"rules-0": 104.0, "notices-0": 150.0}),
        sample(3600, {"rules-0": 108.0, "notices-0": 95.0}),
    ]

    assert rss_growth_pct(samples) == {"notices-0": -5.0, "rules-0": 8.0}
    assert summary(samples)["rss_growth_within_limit"] is True


def test_a_process_above_the_limit_or_gone_at_the_end_fails_the_limit() -> None:
    grows = [sample(0, {"rules-0": 100.0}), sample(60, {"rules-0": 100.0}), sample(360, {"rules-0": 111.0})]
    gone = [sample(0, {"rules-0": 100.0}), sample(60, {"rules-0": 100.0}), sample(360, {})]

    assert summary(grows)["rss_growth_pct"] == {"rules-0": 11.0}
    assert summary(grows)["rss_growth_within_limit"] is False
    assert summary(gone)["rss_growth_pct"] == {"rules-0": None}
    assert summary(gone)["rss_growth_within_limit"] is False


def test_the_largest_lag_is_per_group_over_all_samples() -> None:
    samples = [
        sample(0, {}, {"rules": 0, "notices": 0}),
        sample(60, {}, {"rules": 700, "notices": 3}),
        sample(120, {}, {"rules": 20, "notices": 40, "recognition": 5}),
    ]

    assert max_lag_per_group(samples) == {"rules": 700, "notices": 40, "recognition": 5}
    figures = summary(samples)
    assert figures["max_lag"] == 700
    assert figures["lag_at_end"] == {"rules": 20, "notices": 40, "recognition": 5}
    assert figures["db_connections_max"] == {}


def test_no_samples_is_said() -> None:
    with pytest.raises(ValueError, match="no samples"):
        growth_window([])


def test_the_soak_fails_on_loss_duplicates_dead_letters_a_dead_service_a_server_error_or_no_drain() -> None:
    good = {
        "drained": True,
        "died": [],
        "lost": 0,
        "duplicates": 0,
        "unexpected": 0,
        "dead_letters": 0,
        "server_errors": 0,
    }

    assert passed(good)
    assert not passed(good | {"lost": 1})
    assert not passed(good | {"duplicates": 2})
    assert not passed(good | {"dead_letters": 1})
    assert not passed(good | {"died": ["rules-0"]})
    assert not passed(good | {"drained": False})
    assert not passed(good | {"server_errors": 1})
