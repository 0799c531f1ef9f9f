"""Temporary: main.py still imports this; the bench moved to tools/bench (anpr_bench), which adds itself
through the entry point group "anpr.commands". Delete once main.py loads that group."""

from anpr_bench.cli import app as bench_app

__all__ = ["bench_app"]
