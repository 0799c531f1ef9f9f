"""The soak's plot: resident memory of every process and the lag of every consumer group over time, with
the window the growth is judged over shaded (matplotlib, Agg: no display, no system libraries)."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt

from anpr_bench.soak_figures import Sample, growth_window


def write_plot(samples: Sequence[Sample], path: Path, title: str) -> Path:
    start, end = growth_window(samples)
    minutes = [sample.seconds / 60 for sample in samples]
    figure, (memory, lag) = plt.subplots(2, 1, figsize=(12, 8), sharex=True)
    try:
        for name in sorted({name for sample in samples for name in sample.rss_mib}):
            memory.plot(minutes, [s.rss_mib.get(name, float("nan")) for s in samples], label=name, marker=".")
        memory.set_ylabel("resident memory (MiB)")
        memory.set_yscale("log")  # a 1.5 GiB broker beside 60 MiB services: each line's own shape shows
        memory.axvspan(start.seconds / 60, end.seconds / 60, color="grey", alpha=0.12, label="growth window")
        memory.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # beside: lines stay visible
        memory.grid(True, alpha=0.3)
        memory.set_title(title)
        for group in sorted({group for sample in samples for group in sample.lag}):
            lag.plot(minutes, [s.lag.get(group, float("nan")) for s in samples], label=group, marker=".")
        lag.set_ylabel("consumer lag (messages)")
        lag.set_xlabel("minutes since the traffic began")
        lag.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
        lag.grid(True, alpha=0.3)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
    finally:
        plt.close(figure)
    return path
