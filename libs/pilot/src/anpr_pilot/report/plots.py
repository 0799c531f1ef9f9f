"""The report's figures (matplotlib, Agg: no display, no system libraries)."""

from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from anpr_pilot.report.data import PilotData


def reads_per_camera(data: PilotData) -> Figure:
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = [c.camera_id for c in data.cameras]
    left.bar(names, [c.reads for c in data.cameras], color="#3465a4")
    left.set_title("Reads judged per camera")
    right.bar(names, [100 * (c.uptime or 0) for c in data.cameras], color="#4e9a06")
    right.set_ylim(0, 100)
    right.set_title("Uptime (% of placed time)")
    for axis in (left, right):
        axis.tick_params(axis="x", rotation=30)
    figure.tight_layout()
    return figure


def confidence(data: PilotData) -> Figure:
    figure, axis = plt.subplots(figsize=(10, 3.5))
    if data.confidence_bins:
        lows = [low for low, _, _ in data.confidence_bins]
        widths = [high - low for low, high, _ in data.confidence_bins]
        axis.bar(lows, [n for _, _, n in data.confidence_bins], width=widths, align="edge", color="#75507b")
    rate = data.misread_rate
    measured = f"misread rate {100 * rate:.1f} % of {data.decided} decided" if rate is not None else "no decisions yet"
    axis.set_title(f"Recognition confidence of candidates ({measured})")
    axis.set_xlabel("confidence")
    figure.tight_layout()
    return figure


def hits_by_hour(data: PilotData) -> Figure:
    figure, axis = plt.subplots(figsize=(10, 3.8))
    per_regime: dict[str, list[int]] = defaultdict(lambda: [0] * 24)
    for regime, _, hour, count in data.hits:
        per_regime[regime][hour] += count
    for regime, counts in sorted(per_regime.items()):
        axis.plot(range(24), counts, marker="o", label=regime)
    axis.set_xticks(range(0, 24, 2))
    axis.set_xlabel("hour of day (local)")
    axis.set_title("Hits per regime and hour (candidates, observed violations, review items)")
    if per_regime:
        axis.legend()
    figure.tight_layout()
    return figure


def review(data: PilotData) -> Figure:
    figure, axis = plt.subplots(figsize=(10, 3.5))
    days = sorted(data.decisions_per_day)
    axis.bar([d.isoformat() for d in days], [data.decisions_per_day[d] for d in days], color="#c4a000")
    waiting = sum(data.backlog.values())
    axis.set_title(f"Review decisions per day (backlog now: {waiting})")
    axis.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    return figure


FIGURES = {
    "cameras": reads_per_camera,
    "confidence": confidence,
    "hits": hits_by_hour,
    "review": review,
}
