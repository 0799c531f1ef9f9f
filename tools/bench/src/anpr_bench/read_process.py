"""Whole-process time of `anpr read` over a set of frames, against the naive pipeline run the same way:
process start, imports and model loading count, as they do for an operator reading a folder of photos.

The two processes run one after the other; both are timed in wall time and in CPU time (user + system,
from the kernel's account of finished children): on a shared machine wall time also measures the other
processes, CPU time measures ours alone."""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def read_process_figures(frames: Sequence[Path], count: int) -> dict[str, Any]:
    """`count` frames (the given ones over and over), read by `anpr read` and by the naive pipeline."""
    with tempfile.TemporaryDirectory(prefix="anpr-read-bench-") as scratch:
        files = []
        for index in range(count):
            source = frames[index % len(frames)]
            files.append(Path(scratch) / f"{index:04d}{source.suffix}")
            shutil.copyfile(source, files[-1])
        load_before = os.getloadavg()[0]
        new = _timed([*_anpr(), "read", *map(str, files)], count)
        naive = _timed([sys.executable, "-m", "anpr_bench.naive_reader", *map(str, files)], count)
    return {
        "read_process_frames": count,
        "read_process_ms_per_frame": new["wall_ms"],
        "read_process_cpu_ms_per_frame": new["cpu_ms"],
        "baseline_read_process_ms_per_frame": naive["wall_ms"],
        "baseline_read_process_cpu_ms_per_frame": naive["cpu_ms"],
        "read_process_speedup": round(naive["wall_ms"] / new["wall_ms"], 2),
        "read_process_cpu_speedup": round(naive["cpu_ms"] / new["cpu_ms"], 2),
        "read_process_load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _anpr() -> list[str]:
    # The installed script, as an operator runs it; its entry function where there is no script.
    script = Path(sys.executable).with_name("anpr")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from anpr_cli.entry import main; sys.argv[0] = 'anpr'; main()"]


def _timed(command: list[str], frames: int) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != frames:
        raise RuntimeError(
            f"{command[0]} {command[1]} read {len(lines)} of {frames} frames (exit {done.returncode}): "
            f"{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_ms": round(1000 * wall / frames, 1), "cpu_ms": round(1000 * cpu / frames, 1)}
