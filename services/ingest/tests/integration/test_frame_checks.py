"""POST /v1/frames refuses what it cannot use, each with its own status, and publishes a retry only once."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from anpr_contracts import FRAMES, FrameCaptured
from anpr_ingest.config import IngestSettings

from .support import ADMIN, a_jpeg, a_placed_camera, client_of, events_on, messages_on, post_frame, unique

LIMIT = 20_000


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(
        IngestSettings, max_frame_bytes=LIMIT, max_clock_skew_seconds=60, max_frame_age_seconds=3600
    )
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(settings, run_app) as client:
        yield client


@pytest.mark.parametrize("content_type", [None, "image/png", "application/octet-stream", "text/plain"])
async def test_anything_but_image_jpeg_is_415(ingest: httpx.AsyncClient, content_type: str | None) -> None:
    camera_id = await a_placed_camera(ingest)

    response = await post_frame(ingest, camera_id, content_type=content_type)

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Content-Type must be image/jpeg")


async def test_declared_jpeg_that_is_not_one_is_415(ingest: httpx.AsyncClient) -> None:
    camera_id = await a_placed_camera(ingest)

    response = await post_frame(ingest, camera_id, body=b"GIF89a" + b"\x00" * 100)

    assert response.status_code == 415
    assert "not a JPEG" in response.json()["detail"]


async def test_frame_over_the_size_limit_is_413_whether_declared_or_streamed(ingest: httpx.AsyncClient) -> None:
    camera_id = await a_placed_camera(ingest)
    big = a_jpeg(1200, 900) + b"\x00" * LIMIT
    assert len(a_jpeg()) < LIMIT < len(big)

    declared = await post_frame(ingest, camera_id, body=big)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit holds while reading
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    headers = {"Authorization": "Bearer test-admin-token", "Content-Type": "image/jpeg", "X-Camera-Id": camera_id}
    headers["X-Captured-At"] = datetime.now(UTC).isoformat()
    streamed = await ingest.post("/v1/frames", content=chunks(), headers=headers)

    assert (declared.status_code, streamed.status_code) == (413, 413)
    assert f"limit is {LIMIT}" in declared.json()["detail"]
    assert f"limit of {LIMIT} bytes" in streamed.json()["detail"]


async def test_capture_time_beyond_the_skew_or_the_maximum_age_is_422(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    now = datetime.now(UTC)

    ahead = await post_frame(ingest, camera_id, captured_at=now + timedelta(minutes=5))
    old = await post_frame(ingest, camera_id, captured_at=now - timedelta(minutes=61))
    fine = [
        await post_frame(ingest, camera_id, captured_at=now + timedelta(seconds=30)),
        await post_frame(ingest, camera_id, captured_at=now - timedelta(minutes=59)),
    ]

    assert (ahead.status_code, old.status_code) == (422, 422)
    assert "in the future" in ahead.json()["detail"]
    assert "frames older than 1 h are refused" in old.json()["detail"]
    assert [r.status_code for r in fine] == [202, 202]
    assert await messages_on(settings, FRAMES.name) == 2


async def test_same_frame_id_twice_is_one_message_on_the_topic(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    frame_id = unique("gw-frame")

    first = await post_frame(ingest, camera_id, frame_id=frame_id)
    retry = await post_frame(ingest, camera_id, frame_id=frame_id)
    other = await post_frame(ingest, camera_id, frame_id=unique("gw-frame"))

    assert [r.status_code for r in (first, retry, other)] == [202, 202, 202]
    assert (first.json(), retry.json()) == (
        {"frame_id": frame_id, "duplicate": False},
        {"frame_id": frame_id, "duplicate": True},
    )
    events = await events_on(settings, FRAMES.name)
    assert all(isinstance(e, FrameCaptured) for e in events)
    assert sorted(e.frame_id for e in events) == sorted([frame_id, other.json()["frame_id"]])


async def test_unknown_camera_is_404_after_the_body_checks(ingest: httpx.AsyncClient) -> None:
    ghost = unique("cam-ghost")

    assert (await post_frame(ingest, ghost)).status_code == 404
    assert (await post_frame(ingest, ghost, content_type="image/png")).status_code == 415


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Camera-Id", None),
        ("X-Camera-Id", ""),
        ("X-Camera-Id", "c" * 101),
        ("X-Captured-At", None),
        ("X-Captured-At", "yesterday"),
        ("X-Captured-At", "2026-03-01T10:00:00"),  # no offset: ambiguous
        ("X-Frame-Id", ""),
        ("X-Frame-Id", "f" * 201),
    ],
)
async def test_malformed_headers_are_422_naming_the_header(
    ingest: httpx.AsyncClient, header: str, value: str | None
) -> None:
    """The lean handler leaves these to the route's standard validation: the same answers as ever."""
    camera_id = await a_placed_camera(ingest)
    headers = {**ADMIN, "Content-Type": "image/jpeg", "X-Camera-Id": camera_id, "X-Frame-Id": unique("f")}
    headers["X-Captured-At"] = datetime.now(UTC).isoformat()
    if value is None:
        del headers[header]
    else:
        headers[header] = value

    response = await ingest.post("/v1/frames", content=a_jpeg(), headers=headers)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["header", header.lower()]]


async def test_a_frame_with_every_optional_header_is_accepted(ingest: httpx.AsyncClient) -> None:
    camera_id, frame_id = await a_placed_camera(ingest), unique("f")
    headers = {**ADMIN, "Content-Type": "image/jpeg; charset=binary", "X-Camera-Id": camera_id}
    captured_at = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # "Z": UTC
    headers |= {"X-Frame-Id": frame_id, "X-Correlation-Id": "corr-1", "X-Captured-At": captured_at}

    response = await ingest.post("/v1/frames", content=a_jpeg(), headers=headers)

    assert (response.status_code, response.json()) == (202, {"frame_id": frame_id, "duplicate": False})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-correlation-id"] == "corr-1"
