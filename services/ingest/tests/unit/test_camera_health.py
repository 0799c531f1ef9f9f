from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from anpr_ingest.domain.clock import ClockSkew, FrameTooOld
from anpr_ingest.domain.health import UNREGISTERED, Outcome, Windows, refusal_of
from anpr_ingest.domain.jpeg import FrameTooLarge, InvalidFrame
from anpr_ingest.domain.model import CameraNotPlaced, UnknownCamera
from anpr_ingest.domain.tokens import WrongCamera
from anpr_ingest.handlers import FramePorts, camera_health, health_report, note_frame, purge_health, receive_frame
from anpr_runtime import Conflict, RetriableError
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeCameraHealthRepository, FakeIngestRepository
from .scenario import LIMITS, SATURDAY, THURSDAY, a_frame

MAX_SKEW = 300.0


def ports(repo: FakeIngestRepository, health: FakeCameraHealthRepository) -> FramePorts:
    return FramePorts(repo, health, FakeEventPublisher())


def frames_metric(camera: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("anpr_ingest_frames_total", {"camera": camera, "outcome": outcome}) or 0.0


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (InvalidFrame("x"), Outcome.BAD_TYPE),
        (FrameTooLarge("x"), Outcome.TOO_LARGE),
        (ClockSkew("x"), Outcome.CLOCK_SKEW),
        (FrameTooOld("x"), Outcome.TOO_OLD),
        (CameraNotPlaced("cam", SATURDAY), Outcome.NO_PLACEMENT),
        (UnknownCamera("cam"), Outcome.UNKNOWN_CAMERA),
        (WrongCamera("x"), Outcome.WRONG_TOKEN),
        (Conflict("x"), None),
        (RetriableError("broker down"), None),  # not the camera's fault
    ],
)
def test_refusals_map_to_their_health_reason(error: Exception, outcome: Outcome | None) -> None:
    assert refusal_of(error) == outcome


async def test_accepted_and_duplicate_frames_are_counted_with_the_clock_skew(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    at = SATURDAY
    captured = at - timedelta(seconds=7)

    assert await receive_frame(a_frame(captured, "f-1"), ports(placed, health), LIMITS, at)
    assert not await receive_frame(a_frame(captured, "f-1"), ports(placed, health), LIMITS, at + timedelta(seconds=1))
    later = at + timedelta(seconds=2)
    await receive_frame(a_frame(later + timedelta(seconds=2), "f-2"), ports(placed, health), LIMITS, later)

    report = await camera_health("cam-rot", placed, health, later, MAX_SKEW)
    assert report.last_frame_at == later
    assert report.frames_per_minute_5m == 2 / 5
    assert report.frames_per_minute_60m == 2 / 60
    assert report.rejected_24h == {"duplicate": 1}
    assert report.clock_skew_seconds == 2.0
    assert not report.clock_suspect


async def test_frame_refused_in_the_transaction_is_not_counted_there(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    with pytest.raises(CameraNotPlaced):
        await receive_frame(a_frame(SATURDAY, camera_id="cam-idle"), ports(placed, health), LIMITS, SATURDAY)

    assert health.minutes == {}  # the route counts it in a transaction of its own


async def test_refusals_are_counted_per_reason_with_the_skew_they_showed(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    before = frames_metric("cam-fix", "clock_skew")
    for outcome in (Outcome.BAD_TYPE, Outcome.BAD_TYPE, Outcome.TOO_LARGE):
        await note_frame("cam-fix", outcome, SATURDAY, SATURDAY, placed, health)
    await note_frame("cam-fix", Outcome.CLOCK_SKEW, SATURDAY + timedelta(minutes=10), SATURDAY, placed, health)

    report = await camera_health("cam-fix", placed, health, SATURDAY, MAX_SKEW)
    assert report.rejected_24h == {"bad_type": 2, "too_large": 1, "clock_skew": 1}
    assert report.frames_per_minute_5m == 0
    assert report.last_frame_at is None  # nothing accepted yet
    assert (report.clock_skew_seconds, report.clock_suspect) == (600.0, True)
    assert frames_metric("cam-fix", "clock_skew") == before + 1
    assert REGISTRY.get_sample_value("anpr_ingest_clock_skew_seconds", {"camera": "cam-fix"}) == 600.0


async def test_unregistered_camera_ids_share_one_bucket_and_one_metric_label(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    before = frames_metric("unknown", "unknown_camera")
    for n in range(3):
        await note_frame(f"cam-made-up-{n}", Outcome.UNKNOWN_CAMERA, SATURDAY, SATURDAY, placed, health)
    await note_frame("cam-made-up-9", Outcome.BAD_TYPE, SATURDAY, SATURDAY, placed, health)

    assert {key[0] for key in health.minutes} == {UNREGISTERED}
    assert health.status == {}
    report = await health_report(placed, health, SATURDAY, MAX_SKEW)
    assert report.unregistered == {"unknown_camera": 3, "bad_type": 1}
    assert frames_metric("unknown", "unknown_camera") == before + 3
    assert frames_metric("cam-made-up-0", "unknown_camera") == 0


async def test_frame_rates_count_the_current_minute_and_the_windows_before_it(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    now = SATURDAY + timedelta(seconds=30)
    ages = [timedelta(0), timedelta(minutes=4), timedelta(minutes=5), timedelta(minutes=59), timedelta(minutes=60)]
    for age in ages:
        await note_frame("cam-rot", Outcome.ACCEPTED, now - age, now - age, placed, health)
    await note_frame("cam-rot", Outcome.ACCEPTED, now, now - timedelta(hours=25), placed, health)  # outside 24 h

    report = await camera_health("cam-rot", placed, health, now, MAX_SKEW)

    assert report.frames_per_minute_5m == 2 / 5
    assert report.frames_per_minute_60m == 4 / 60
    assert report.last_frame_at == now


async def test_last_clock_reading_wins_even_when_recorded_out_of_order(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    later, earlier = SATURDAY, SATURDAY - timedelta(seconds=1)
    await note_frame("cam-rot", Outcome.ACCEPTED, later + timedelta(seconds=3), later, placed, health)
    await note_frame("cam-rot", Outcome.ACCEPTED, earlier - timedelta(seconds=400), earlier, placed, health)

    report = await camera_health("cam-rot", placed, health, SATURDAY, MAX_SKEW)

    assert (report.clock_skew_seconds, report.clock_skew_measured_at, report.last_frame_at) == (3.0, later, later)


async def test_report_lists_every_registered_camera_even_without_frames(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    await note_frame("cam-rot", Outcome.ACCEPTED, SATURDAY, SATURDAY, placed, health)

    report = await health_report(placed, health, SATURDAY, MAX_SKEW)

    assert [c.camera_id for c in report.cameras] == ["cam-fix", "cam-idle", "cam-rot"]
    idle = report.cameras[1]
    assert (idle.last_frame_at, idle.frames_per_minute_60m, idle.rejected_24h, idle.clock_skew_seconds) == (
        None,
        0,
        {},
        None,
    )
    assert report.unregistered == {}


async def test_health_of_an_unknown_camera_is_not_found(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    with pytest.raises(UnknownCamera):
        await camera_health("cam-ghost", placed, health, SATURDAY, MAX_SKEW)


async def test_purge_drops_minutes_before_the_retention(
    placed: FakeIngestRepository, health: FakeCameraHealthRepository
) -> None:
    await note_frame("cam-rot", Outcome.ACCEPTED, THURSDAY, THURSDAY, placed, health)
    await note_frame("cam-rot", Outcome.ACCEPTED, SATURDAY, SATURDAY, placed, health)

    assert await purge_health(health, SATURDAY, timedelta(days=1)) == 1
    assert [key[1] for key in health.minutes] == [SATURDAY]


def test_windows_start_at_whole_minutes() -> None:
    windows = Windows.ending(SATURDAY + timedelta(seconds=59))
    assert windows.since_5m == SATURDAY - timedelta(minutes=4)
    assert windows.since_60m == SATURDAY - timedelta(minutes=59)
    assert windows.since_24h == SATURDAY - timedelta(minutes=1439)
