"""The console bench's figures: p50/p95 per screen, the ratio to the API baseline, null for a screen that
is not built, and the target (every screen's p95 under 300 ms)."""

from anpr_bench.console.measure import Screen, figures

KEYS = ("review", "permits", "stats")


def _screen(name: str, console: list[float], api: list[float], missing: str | None = None) -> Screen:
    async def nothing(*_: object) -> None:
        return None

    screen = Screen(name, None, None, lambda _: "/", nothing, console, api, missing)  # type: ignore[arg-type]
    return screen


def test_the_target_needs_every_screen_under_300_ms_and_a_missing_screen_is_null() -> None:
    fast = [_screen(k, [100.0] * 19 + [250.0], [50.0] * 20) for k in KEYS]
    found = figures(fast)
    assert found["target_met"]
    assert found["review_p95_ms"] == 100.0
    assert found["review_ratio_p95"] == 2.0

    slow = figures([*fast[:2], _screen("stats", [100.0] * 10 + [400.0] * 10, [50.0] * 20)])
    assert slow["stats_p95_ms"] == 400.0
    assert not slow["target_met"]

    missing = figures([*fast[:2], _screen("stats", [], [50.0] * 20, "GET /supervisor answered 404")])
    assert missing["stats_p95_ms"] is None
    assert missing["stats_ratio_p95"] is None
    assert missing["api_stats_p95_ms"] == 50.0
    assert not missing["target_met"]
