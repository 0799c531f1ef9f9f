"""The plumbing of `anpr bench ingest`, never its speed."""

import asyncio
import io
import json

from PIL import Image

from anpr_bench.common import percentile, process_cpu_seconds
from anpr_bench.ingest import BenchConfig, make_jpeg, result_of
from anpr_bench.ingest_loops import Run, drive

FIGURES = {
    "frames_per_s",
    "raw_producer_frames_per_s",
    "ratio_frames_vs_raw",
    "reads_per_s",
    "raw_producer_reads_per_s",
}


def test_frame_is_a_jpeg_of_about_100_kb_and_the_same_for_a_seed() -> None:
    jpeg = make_jpeg(100_000)

    assert 95_000 <= len(jpeg) <= 105_000
    assert Image.open(io.BytesIO(jpeg)).format == "JPEG"
    assert make_jpeg(100_000) == jpeg
    assert make_jpeg(100_000, seed=1) != jpeg


def test_other_sizes_are_met_too() -> None:
    assert 9_500 <= len(make_jpeg(10_000)) <= 10_500
    assert 285_000 <= len(make_jpeg(300_000)) <= 315_000


def test_result_has_the_figures_and_ratios_and_is_one_json_object() -> None:
    runs = {
        "frames": Run(500, 0, 2.0, [10.0] * 500, cpu_seconds=1.5, client_cpu_seconds=0.1, block_rates=(200.0, 300.0)),
        "raw_frames": Run(500, 0, 0.5, [2.0] * 500, block_rates=(1000.0, 1000.0)),
        "reads": Run(1000, 2, 4.0, [5.0] * 1002),
        "raw_reads": Run(1000, 0, 1.0, [1.0] * 1000),
    }

    result = result_of(BenchConfig(500, 1002, 8), runs, 101_262, in_kafka=500)

    assert FIGURES | {"ratio_reads_vs_raw"} <= result.keys()
    assert (result["frames_per_s"], result["raw_producer_frames_per_s"], result["ratio_frames_vs_raw"]) == (
        250.0,
        1000.0,
        0.25,
    )
    assert (result["reads_per_s"], result["ratio_reads_vs_raw"]) == (250.0, 0.25)
    assert (result["failed_requests"], result["frames_in_kafka"], result["frame_bytes"]) == (2, 500, 101_262)
    assert (result["ingest_cpu_ms_per_frame"], result["raw_producer_cpu_ms_per_frame"]) == (3.0, 0.0)
    assert result["bench_client_cpu_ms_per_frame"] == 0.2
    assert result["ratio_frames_vs_raw_by_block"] == [0.2, 0.3]
    assert json.loads(json.dumps(result)) == result


def test_a_run_that_took_no_time_gives_zero_not_a_division_error() -> None:
    empty = Run(0, 0, 0.0, [])
    result = result_of(BenchConfig(), {name: empty for name in ("frames", "raw_frames", "reads", "raw_reads")}, 0, 0)

    assert result["ratio_frames_vs_raw"] == 0.0
    assert result["frames_p99_ms"] == 0.0


def test_cpu_time_of_this_process_is_read_from_proc() -> None:
    import os
    import time

    spent = process_cpu_seconds(os.getpid())

    assert 0 < spent <= time.process_time() + 0.05
    assert process_cpu_seconds(2**22 + 12345) == 0.0  # no such process


def test_drive_runs_every_request_with_at_most_the_given_concurrency() -> None:
    in_flight, peak, seen = 0, 0, []

    async def one(n: int) -> bool:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        seen.append(n)
        return n % 10 != 0

    run = asyncio.run(drive(50, 4, one))

    assert sorted(seen) == list(range(50))
    assert (run.ok, run.failed, len(run.latencies_ms), peak) == (45, 5, 50, 4)


def test_percentile() -> None:
    values = [float(n) for n in range(1, 101)]

    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (51.0, 99.0, 0.0)


def test_loops_take_turns_in_blocks_and_each_loop_sums_its_blocks() -> None:
    from anpr_bench.ingest_loops import interleaved

    order: list[str] = []

    def loop(name: str) -> object:
        async def one(n: int) -> bool:
            order.append(name)
            return n % 10 != 0  # every tenth request of a block fails

        return one

    clock = iter(range(100)).__next__

    runs = asyncio.run(
        interleaved(
            23,
            1,
            {"a": (loop("a"), lambda: float(clock())), "b": (loop("b"), lambda: 0.0)},
            blocks=5,  # type: ignore[dict-item]
        )
    )

    assert order[:5] == ["a"] * 5
    assert order[5:10] == ["b"] * 5
    assert order.count("a") == order.count("b") == 23
    assert runs["a"].ok + runs["a"].failed == 23
    assert runs["a"].failed == 5  # request 0 of each of the 5 blocks
    assert len(runs["b"].latencies_ms) == 23
    assert runs["a"].cpu_seconds == 5.0  # one tick of the fake clock per block
    assert len(runs["a"].block_rates) == len(runs["b"].block_rates) == 5
