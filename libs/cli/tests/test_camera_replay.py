"""The gateway simulator against a fake ingest (httpx.MockTransport): pacing, retries, counts."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from anpr_cli.camera import Replayer, camera_app, jpegs_in, retry_after, send_with_retries

JPEG = b"\xff\xd8\xff\xe0 frame"


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def frames(tmp_path: Path, count: int) -> list[Path]:
    for n in range(count):
        (tmp_path / f"f{n:02d}.jpg").write_bytes(JPEG)
    (tmp_path / "notes.txt").write_text("not a frame")
    (tmp_path / "Z.JPEG").write_bytes(JPEG)
    return jpegs_in(tmp_path)


def replayer(answers: list[httpx.Response | Exception], seen: list[httpx.Request], fake: FakeTime) -> Replayer:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = httpx.Client(transport=httpx.MockTransport(handle), base_url="http://ingest")
    return Replayer(client, "cam-1", fps=2, clock=fake.clock, sleep=fake.sleep)


def test_frames_are_the_sorted_jpegs_of_the_folder(tmp_path: Path) -> None:
    assert [p.name for p in frames(tmp_path, 3)] == ["Z.JPEG", "f00.jpg", "f01.jpg", "f02.jpg"]


def test_each_answer_is_counted_and_a_503_is_retried_after_retry_after(tmp_path: Path) -> None:
    fake, seen = FakeTime(), list[httpx.Request]()
    answers: list[httpx.Response | Exception] = [
        httpx.Response(202, json={"frame_id": "a", "duplicate": False}),
        httpx.Response(202, json={"frame_id": "b", "duplicate": True}),
        httpx.Response(503, headers={"Retry-After": "3"}, json={"detail": "kafka down"}),
        httpx.Response(202, json={"frame_id": "c", "duplicate": False}),
        httpx.Response(422, json={"detail": "camera cam-1 has no placement"}),
    ]

    tally = replayer(answers, seen, fake).run(frames(tmp_path, 3))

    assert (tally.accepted, tally.duplicate, dict(tally.rejected), tally.failed) == (2, 1, {422: 1}, 0)
    assert tally.reasons == {"422: camera cam-1 has no placement": 1}
    assert tally.exit_code == 1
    assert 3.0 in fake.sleeps
    ids = [r.headers["x-frame-id"] for r in seen]
    assert ids[2] == ids[3]  # the retry keeps its frame id: ingest recognises it
    assert len(set(ids)) == 4
    assert {r.headers["x-camera-id"] for r in seen} == {"cam-1"}
    assert {r.headers["content-type"] for r in seen} == {"image/jpeg"}
    assert datetime.fromisoformat(seen[0].headers["x-captured-at"]).utcoffset() is not None
    assert seen[0].content == JPEG


def test_frames_are_paced(tmp_path: Path) -> None:
    fake, seen = FakeTime(), list[httpx.Request]()
    answers: list[httpx.Response | Exception] = [httpx.Response(202, json={"duplicate": False})] * 4

    tally = replayer(answers, seen, fake).run(frames(tmp_path, 3))

    assert fake.sleeps == [0.5, 0.5, 0.5]  # 2 frames per second; the sends themselves take no time here
    assert tally.exit_code == 0


def test_a_stall_is_not_made_up_with_a_burst(tmp_path: Path) -> None:
    fake = FakeTime()

    def slow_first(request: httpx.Request) -> httpx.Response:
        if request.headers["x-frame-id"].endswith("-000000"):
            fake.now += 2.0  # ingest took 2 s to answer the first frame
        return httpx.Response(202, json={"duplicate": False})

    client = httpx.Client(transport=httpx.MockTransport(slow_first), base_url="http://ingest")
    Replayer(client, "cam-1", fps=2, clock=fake.clock, sleep=fake.sleep).run(frames(tmp_path, 3))

    assert fake.sleeps == [0.5, 0.5]  # the second frame goes at once, then the pace resumes


def test_connection_errors_back_off_and_then_count_as_failed(tmp_path: Path) -> None:
    fake, seen = FakeTime(), list[httpx.Request]()
    down = httpx.ConnectError("refused")
    answers: list[httpx.Response | Exception] = [down] * 10

    tally = replayer(answers, seen, fake).run(frames(tmp_path, 0))

    assert tally.failed == 1
    assert fake.sleeps[:4] == [0.5, 1.0, 2.0, 4.0]
    assert tally.exit_code == 1


def test_retry_after_takes_seconds_or_a_date_and_is_bounded() -> None:
    def answer(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value})

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert retry_after(answer("2"), 0.5) == 2.0
    assert 25 <= retry_after(answer(later), 0.5) <= 30
    assert retry_after(answer("soon"), 0.5) == 0.5
    assert retry_after(answer("86400"), 0.5) == 120.0
    assert retry_after(httpx.Response(503), 1.5) == 1.5


def test_last_503_is_returned_when_retries_run_out() -> None:
    sleeps: list[float] = []

    answer = send_with_retries(lambda: httpx.Response(503), attempts=3, sleep=sleeps.append)

    assert answer.status_code == 503
    assert sleeps == [0.5, 1.0]


def test_folder_without_jpegs_is_refused(tmp_path: Path) -> None:
    app = typer.Typer()
    app.add_typer(camera_app, name="camera")

    result = CliRunner().invoke(app, ["camera", "replay", str(tmp_path), "--camera", "cam-1"])

    assert result.exit_code == 2
    assert "no .jpg or .jpeg files" in result.output


@pytest.mark.parametrize("fps", ["0", "-1"])
def test_fps_must_be_positive(tmp_path: Path, fps: str) -> None:
    app = typer.Typer()
    app.add_typer(camera_app, name="camera")

    result = CliRunner().invoke(app, ["camera", "replay", str(tmp_path), "--camera", "c", "--fps", fps])

    assert result.exit_code == 2
