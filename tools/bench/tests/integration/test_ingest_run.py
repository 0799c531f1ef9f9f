"""`anpr bench ingest` reduced to a smoke run (its speed is never asserted): a real ingest server takes
every frame and read the bench's own HTTP client sends, and each frame is on the topic once."""

import json

import pytest

from anpr_bench.ingest import BenchConfig, run

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
async def test_a_small_run_puts_every_frame_on_the_topic_once(infra: dict[str, str]) -> None:
    config = BenchConfig(frames=200, reads=200, concurrency=4, workers=1)
    figures = await run(config, infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"], log=print)
    print(json.dumps(figures))

    assert figures["failed_requests"] == 0
    assert figures["frames_in_kafka"] == 200  # the warm-up's frames are not counted
    assert figures["frames_per_s"] > 0
    assert figures["raw_producer_frames_per_s"] > 0
    assert figures["reads_per_s"] > 0
    assert 90_000 < figures["frame_bytes"] < 110_000
    assert figures["bench_client_cpu_ms_per_frame"] > 0
