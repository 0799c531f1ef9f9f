"""The soak's figures from its samples (pure): memory growth per process over a window that leaves the
warm-up out, file descriptors and database connections per process, and the consumer lag."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# The soak runs 60 minutes and judges growth from minute 10 on: caches, pools and JIT-less
# Python warm up before that. A shorter run leaves out the same share.
WARM_UP_SECONDS = 600.0
WARM_UP_SHARE = 10 / 60
GROWTH_LIMIT_PCT = 10.0


@dataclass(frozen=True)
class Sample:
    """One look at every process and consumer group, `seconds` after the traffic began."""

    seconds: float
    rss_mib: dict[str, float]  # process -> resident memory (with its children) in MiB
    fds: dict[str, int]  # process -> open file descriptors (with its children)
    db_connections: dict[str, int]  # process (or "other") -> connections to the run's database
    lag: dict[str, int]  # consumer group -> messages on its topics it has not committed yet
    errors: tuple[str, ...] = ()  # what could not be read this time (said, not left out silently)

    def as_json(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "rss_mib": {name: round(mib, 1) for name, mib in self.rss_mib.items()},
            "fds": self.fds,
            "db_connections": self.db_connections,
            "lag": self.lag,
            "errors": list(self.errors),
        }


def growth_window(samples: Sequence[Sample]) -> tuple[Sample, Sample]:
    """The first sample at or after minute 10 (or the same share of a shorter run), and the last."""
    if not samples:
        raise ValueError("no samples: the soak took none")
    end = samples[-1]
    warm_up = min(WARM_UP_SECONDS, end.seconds * WARM_UP_SHARE)
    start = next(sample for sample in samples if sample.seconds >= warm_up)
    return start, end


def rss_growth_pct(samples: Sequence[Sample]) -> dict[str, float | None]:
    """Per process, how much its resident memory grew over the window, in percent of where it began;
    None for a process that was not there at both ends (it died or could not be read)."""
    start, end = growth_window(samples)
    names = sorted(start.rss_mib.keys() | end.rss_mib.keys())
    return {name: _pct(start.rss_mib.get(name), end.rss_mib.get(name)) for name in names}


def _pct(before: float | None, after: float | None) -> float | None:
    if before is None or after is None or before <= 0:
        return None
    return round((after - before) / before * 100, 1)


def max_lag_per_group(samples: Sequence[Sample]) -> dict[str, int]:
    found: dict[str, int] = {}
    for sample in samples:
        for group, lag in sample.lag.items():
            found[group] = max(found.get(group, 0), lag)
    return found


def summary(samples: Sequence[Sample]) -> dict[str, Any]:
    """The figures the soak reports about its processes and consumer groups."""
    start, end = growth_window(samples)
    growth = rss_growth_pct(samples)
    lags = max_lag_per_group(samples)
    return {
        "growth_window_s": [round(start.seconds, 1), round(end.seconds, 1)],
        "rss_growth_pct": growth,
        "rss_growth_within_limit": all(pct is not None and pct <= GROWTH_LIMIT_PCT for pct in growth.values()),
        "rss_mib": {name: [_mib(start.rss_mib.get(name)), _mib(end.rss_mib.get(name))] for name in growth},
        "fds": {name: [start.fds.get(name), end.fds.get(name)] for name in sorted(start.fds.keys() | end.fds.keys())},
        "db_connections_max": _max_per_key(sample.db_connections for sample in samples),
        "max_lag": max(lags.values(), default=0),
        "max_lag_per_group": lags,
        "lag_at_end": end.lag,
        "sample_errors": sum(len(sample.errors) for sample in samples),
    }


def _mib(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _max_per_key(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        for name, count in row.items():
            found[name] = max(found.get(name, 0), count)
    return dict(sorted(found.items()))
