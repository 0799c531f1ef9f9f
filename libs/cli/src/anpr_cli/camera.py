"""`anpr camera replay DIR`: a camera gateway simulator posting JPEGs to ingest's `POST /v1/frames`.

Also home of `send_with_retries`, which `anpr reads import` shares: both are clients that must wait out a
503 (Retry-After) and a connection that is briefly gone, as a real gateway does."""

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from itertools import cycle
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from anpr_cli.paths import PORTS, load_run_env

camera_app = typer.Typer(no_args_is_help=True, help="Camera gateway tools")
console = Console(stderr=True)
MAX_WAIT_SECONDS = 120.0


def retry_after(response: httpx.Response, default: float) -> float:
    """Seconds the server asks us to wait (delta-seconds or an HTTP date), bounded so a bad header cannot stall us."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now().astimezone()).total_seconds()
        except (TypeError, ValueError):
            seconds = default
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def send_with_retries(
    send: Callable[[], httpx.Response],
    attempts: int = 10,
    sleep: Callable[[float], None] = time.sleep,
    notice: Callable[[str], None] = lambda _: None,
) -> httpx.Response:
    """Send until the answer is not a 503; the last 503 is returned, the last connection error raised."""
    backoff = 0.5
    for attempt in range(1, attempts + 1):
        try:
            response = send()
        except httpx.TransportError as exc:
            if attempt == attempts:
                raise
            wait, reason = backoff, type(exc).__name__
        else:
            if response.status_code != 503 or attempt == attempts:
                return response
            wait, reason = retry_after(response, backoff), "503 (ingest busy or Kafka unavailable)"
        notice(f"{reason}: retry {attempt} of {attempts - 1} in {wait:.1f} s")
        sleep(wait)
        backoff = min(backoff * 2, 30.0)
    raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass
class Tally:
    accepted: int = 0
    duplicate: int = 0
    rejected: Counter[int] = field(default_factory=Counter)
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def sent(self) -> int:
        return self.accepted + self.duplicate + sum(self.rejected.values()) + self.failed

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected or self.failed else 0


class Replayer:
    """Posts frames like a gateway: paced, each with a fresh frame id, a retry keeping its id (so ingest
    recognises it), and never a burst to catch up after a stall."""

    def __init__(
        self,
        client: httpx.Client,
        camera_id: str,
        fps: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client, self._camera, self._interval = client, camera_id, 1.0 / fps
        self._clock, self._sleep = clock, sleep
        self._run = uuid.uuid4().hex[:8]
        self.tally = Tally()

    def run(self, frames: Iterable[Path], after_each: Callable[[Tally], None] = lambda _: None) -> Tally:
        due = self._clock()
        for n, frame in enumerate(frames):
            if (wait := due - self._clock()) > 0:
                self._sleep(wait)
            self.send(frame.read_bytes(), f"{self._camera}-{self._run}-{n:06d}")
            after_each(self.tally)
            due = max(due + self._interval, self._clock())
        return self.tally

    def send(self, jpeg: bytes, frame_id: str) -> None:
        headers = {
            "Content-Type": "image/jpeg",
            "X-Camera-Id": self._camera,
            "X-Captured-At": datetime.now().astimezone().isoformat(),
            "X-Frame-Id": frame_id,
        }
        try:
            answer = send_with_retries(
                lambda: self._client.post("/v1/frames", content=jpeg, headers=headers),
                sleep=self._sleep,
                notice=lambda message: console.log(f"frame {frame_id}: {message}"),
            )
        except httpx.TransportError as exc:
            self._count_failure(f"unreachable: {type(exc).__name__}")
            return
        if answer.status_code == 202:
            duplicate = bool(answer.json().get("duplicate"))
            self.tally.duplicate += duplicate
            self.tally.accepted += not duplicate
        elif 400 <= answer.status_code < 500:
            self.tally.rejected[answer.status_code] += 1
            self.tally.reasons[f"{answer.status_code}: {detail_of(answer)}"] += 1
        else:
            self._count_failure(f"{answer.status_code}: {detail_of(answer)}")

    def _count_failure(self, reason: str) -> None:
        self.tally.failed += 1
        self.tally.reasons[reason] += 1


def jpegs_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in {".jpg", ".jpeg"})


def ingest_url(url: str | None) -> str:
    return url or os.environ.get("ANPR_INGEST_URL") or f"http://127.0.0.1:{PORTS['ingest']}"


@camera_app.command("replay")
def replay(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="folder of JPEG frames")],
    camera: Annotated[str, typer.Option(help="camera id sent as X-Camera-Id")],
    fps: Annotated[float, typer.Option(min=0.01, max=1000, help="frames per second")] = 2.0,
    loop: Annotated[bool, typer.Option(help="start again after the last frame, until Ctrl-C")] = False,
    url: Annotated[str | None, typer.Option(help="ingest base URL (default $ANPR_INGEST_URL)")] = None,
    token: Annotated[str | None, typer.Option(help="bearer token (default $ANPR_ADMIN_TOKEN)")] = None,
) -> None:
    """Post the JPEGs in DIR (sorted) to ingest like a camera gateway; Ctrl-C stops with a summary.
    Exit 1 when a frame was rejected (4xx) or could not be delivered."""
    load_run_env()
    files = jpegs_in(directory)
    if not files:
        raise typer.BadParameter(f"no .jpg or .jpeg files in {directory}")
    bearer = token or os.environ.get("ANPR_ADMIN_TOKEN", "")
    frames: Iterator[Path] = cycle(files) if loop else iter(files)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        httpx.Client(base_url=ingest_url(url), headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as client,
        Progress(*columns, console=console) as progress,
    ):
        replayer = Replayer(client, camera, fps)
        task = progress.add_task(f"replaying to {camera}", total=None if loop else len(files))

        def show(tally: Tally) -> None:
            rejected = sum(tally.rejected.values())
            progress.update(task, advance=1, description=f"{camera}: {tally.accepted} accepted, {rejected} rejected")

        try:
            replayer.run(frames, show)
        except KeyboardInterrupt:
            console.print("stopped (Ctrl-C)")
    _summary(replayer.tally)
    raise typer.Exit(replayer.tally.exit_code)


def _summary(tally: Tally) -> None:
    console.print(
        f"frames sent {tally.sent}: accepted {tally.accepted}, duplicate {tally.duplicate}, "
        f"rejected {sum(tally.rejected.values())}{f' {dict(tally.rejected)}' if tally.rejected else ''}, "
        f"failed {tally.failed}",
        markup=False,
    )
    for reason, count in tally.reasons.most_common(10):
        console.print(f"  {count} x {reason}", markup=False)


def detail_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail", body) if isinstance(body, dict) else body)[:200]


__all__ = ["Replayer", "Tally", "camera_app", "detail_of", "ingest_url", "retry_after", "send_with_retries"]
