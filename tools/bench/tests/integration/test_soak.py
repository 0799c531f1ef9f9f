"""`anpr bench soak` for one minute, sampled every 10 s: all five services as processes under steady
reads and frames; nothing lost or twice, every process and consumer group sampled, the PNG written."""

import json
import os
from pathlib import Path

import pytest

from anpr_bench.soak import SoakConfig, run
from anpr_bench.soak_figures import Sample

ROOT = Path(__file__).resolve().parents[4]
INSTANCES = {"ingest-0", "recognition-0", "rules-0", "exemptions-0", "notices-0"}
pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
async def test_a_one_minute_soak_loses_nothing_and_reports_every_process(infra: dict[str, str], tmp_path: Path) -> None:
    run_dir = Path(os.environ.get("ANPR_RUN_DIR") or ROOT / ".run" / "test")
    config = SoakConfig(minutes=1, sample_seconds=10, rate=30, frame_rate=0.5, plot=tmp_path / "soak.png")
    seen: list[Sample] = []
    figures = await run(config, run_dir, infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"], print, seen.append)
    print(json.dumps(figures))

    assert (figures["lost"], figures["duplicates"], figures["unexpected"], figures["dead_letters"]) == (0, 0, 0, 0)
    assert figures["candidates"] == figures["expected"] > 0
    assert figures["drained"]
    assert figures["died"] == []
    assert figures["reads_accepted"] == figures["reads"]
    assert figures["frames_accepted"] == figures["frames"] == 30
    assert figures["p95_s"] >= figures["p50_s"] > 0
    # Sampled at 0, every 10 s and where the traffic ended; the window leaves the first sixth out.
    assert len(seen) >= 6
    assert [sample.seconds for sample in seen] == sorted(sample.seconds for sample in seen)
    assert 10 <= figures["growth_window_s"][0] < figures["growth_window_s"][1] <= 75
    assert INSTANCES | {"kafka", "postgres"} <= figures["rss_growth_pct"].keys()
    assert all(isinstance(pct, float) for pct in figures["rss_growth_pct"].values())
    assert all(start > 0 and end > 0 for start, end in figures["fds"].values())
    # Every service's own pool, told apart by the sockets each process holds.
    assert all(figures["db_connections_max"].get(name, 0) >= 1 for name in INSTANCES)
    assert figures["max_lag_per_group"].keys() == figures["lag_at_end"].keys()
    assert {group.rsplit("-", 1)[1] for group in figures["max_lag_per_group"]} == {"recognition", "rules", "notices"}
    assert figures["max_lag"] == max(figures["max_lag_per_group"].values())
    assert figures["sample_errors"] == 0
    png, samples = _written(figures)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(samples) == len(seen)


def _written(figures: dict[str, object]) -> tuple[bytes, list[object]]:
    return Path(str(figures["plot"])).read_bytes(), json.loads(Path(str(figures["samples_file"])).read_text())
