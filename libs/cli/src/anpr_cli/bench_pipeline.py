"""Temporary: main.py still imports this; the bench moved to tools/bench (anpr_bench), which adds itself
through the entry point group "anpr.commands". Delete once main.py loads that group."""

from anpr_bench.pipeline import bench_pipeline

__all__ = ["bench_pipeline"]
