"""The in-memory tally sums what the per-frame upserts would have written, and keeps it when a flush fails."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from anpr_ingest.adapters.health_tally import HealthTally
from anpr_ingest.domain.health import UNREGISTERED, FrameSeen, Outcome, Windows

from .fakes import FakeCameraHealthRepository
from .scenario import SATURDAY


async def replay(seen: list[FrameSeen], into: Any) -> None:
    for one in seen:
        await into.record(one)


FRAMES = [
    FrameSeen("cam-1", Outcome.ACCEPTED, SATURDAY, 2.0),
    FrameSeen("cam-1", Outcome.ACCEPTED, SATURDAY + timedelta(seconds=30), 3.0),
    FrameSeen("cam-1", Outcome.DUPLICATE, SATURDAY + timedelta(seconds=31), 3.5),
    FrameSeen("cam-1", Outcome.CLOCK_SKEW, SATURDAY + timedelta(seconds=90), 900.0),
    FrameSeen("cam-2", Outcome.ACCEPTED, SATURDAY + timedelta(seconds=5), None),
    FrameSeen(UNREGISTERED, Outcome.UNKNOWN_CAMERA, SATURDAY, None),
]


async def test_a_flushed_tally_writes_what_recording_each_frame_would_have() -> None:
    direct, via_tally, tally = FakeCameraHealthRepository(), FakeCameraHealthRepository(), HealthTally()
    await replay(FRAMES, direct)
    await replay(FRAMES, tally)

    counts, statuses = tally._counts, tally._statuses
    await via_tally.add_counts(dict(counts))
    await via_tally.merge_statuses(list(statuses.values()))

    assert via_tally.minutes == direct.minutes
    assert via_tally.status == direct.status
    windows = Windows.ending(SATURDAY + timedelta(minutes=2))
    assert await via_tally.outcome_counts(None, windows) == await direct.outcome_counts(None, windows)


class FailingEngine:
    def begin(self) -> Any:
        raise OperationalError("begin", {}, Exception("database down"))


async def test_a_failed_flush_keeps_every_count_for_the_next_one() -> None:
    tally = HealthTally()
    await replay(FRAMES[:3], tally)

    with pytest.raises(OperationalError):
        await tally.flush(FailingEngine())  # type: ignore[arg-type]
    await replay(FRAMES[3:], tally)

    assert tally.pending == len(FRAMES)
    assert tally._statuses["cam-1"].skew_seconds == 900.0  # the latest measurement wins after the merge back
    assert tally._statuses["cam-1"].last_frame_at == SATURDAY + timedelta(seconds=30)
