"""The forecast's plot: candidates, review items and reviewer hours per day, next to what the baseline raised."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt


def plot_forecast(result: dict[str, Any], path: Path) -> None:
    days = [d["day"] for d in result["days"]]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    top.bar(days, [d["candidates"] for d in result["days"]], label="forecast candidates", color="#3465a4")
    top.bar(
        days,
        [d["review_items"] for d in result["days"]],
        bottom=[d["candidates"] for d in result["days"]],
        label="forecast review items",
        color="#729fcf",
    )
    top.plot(
        days, [d["actual_candidates"] for d in result["days"]], "k.-", label=f"raised by {result['baseline_regime_id']}"
    )
    top.set_title(f"What-if: {result['regime_id']} over {result['since'][:10]} to {result['until'][:10]}")
    top.legend()
    hours = bottom.twinx()  # hours and letters differ by orders of magnitude: each its own scale
    hours.bar(days, [d["reviewer_hours"] for d in result["days"]], color="#c4a000", alpha=0.5, label="reviewer hours")
    hours.set_ylabel("reviewer hours")
    bottom.plot(days, [d["warning_letters"] for d in result["days"]], "g.-", label="warning letters")
    bottom.plot(days, [d["notices"] for d in result["days"]], "b.-", label="notices")
    bottom.plot(days, [d["exemption_requests"] for d in result["days"]], "r.-", label="exemption requests")
    bottom.set_ylabel("letters, notices, requests")
    lines, labels = bottom.get_legend_handles_labels()
    bars, bar_labels = hours.get_legend_handles_labels()
    bottom.legend(lines + bars, labels + bar_labels, loc="lower left")
    bottom.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
