"""Camera health through the API: counted in PostgreSQL, so shared by instances and kept across restarts."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from anpr_ingest.config import IngestSettings

from .support import (
    ADMIN,
    CAMERA,
    OPERATOR,
    REVIEWER,
    STATIC_TOKENS,
    a_placed_camera,
    bearer,
    client_of,
    metric,
    post_frame,
    unique,
)


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings, extra_tokens=STATIC_TOKENS, max_clock_skew_seconds=60)
    return made


async def health_of(ingest: httpx.AsyncClient, camera_id: str) -> dict[str, Any]:
    response = await ingest.get(f"/v1/cameras/{camera_id}/health", headers=OPERATOR)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_health_counts_frames_and_every_kind_of_refusal(
    settings: IngestSettings, run_app: Callable[..., Any]
) -> None:
    async with client_of(settings, run_app) as ingest:
        camera_id, other = await a_placed_camera(ingest), await a_placed_camera(ingest)
        other_token = bearer((await ingest.post(f"/v1/cameras/{other}/tokens", headers=ADMIN)).json()["token"])
        unplaced = unique("cam")
        await ingest.post("/v1/cameras", json={"camera_id": unplaced}, headers=ADMIN)
        now = datetime.now(UTC)
        sent = [
            await post_frame(ingest, camera_id, captured_at=now - timedelta(seconds=3), frame_id="f-1"),
            await post_frame(ingest, camera_id, frame_id="f-2"),
            await post_frame(ingest, camera_id, frame_id="f-1"),  # a retry: duplicate
            await post_frame(ingest, camera_id, content_type="image/png"),
            await post_frame(ingest, camera_id, body=b"\xff\xd8" + b"\x00" * 4 * 1024 * 1024),
            await post_frame(ingest, camera_id, captured_at=now + timedelta(minutes=10)),
            await post_frame(ingest, camera_id, other_token),  # the token of another camera
            await post_frame(ingest, camera_id, captured_at=now - timedelta(days=2)),
            await post_frame(ingest, camera_id, bearer("anprcam_revoked-or-made-up")),  # shows no clock
            await post_frame(ingest, unplaced),
            await post_frame(ingest, unique("cam-ghost")),
        ]
        assert [r.status_code for r in sent] == [202, 202, 202, 415, 413, 422, 403, 422, 401, 422, 404]

        health = await health_of(ingest, camera_id)
        metrics = (await ingest.get("/metrics")).text

    assert health["camera_id"] == camera_id
    assert health["frames_per_minute_5m"] == pytest.approx(2 / 5)
    assert health["frames_per_minute_60m"] == pytest.approx(2 / 60)
    assert health["rejected_24h"] == {
        "duplicate": 1,
        "bad_type": 1,
        "too_large": 1,
        "clock_skew": 1,
        "too_old": 1,
        "wrong_token": 2,
    }
    last_frame_at = datetime.fromisoformat(health["last_frame_at"])
    assert now - timedelta(seconds=5) < last_frame_at < datetime.now(UTC)
    assert health["clock_skew_seconds"] == pytest.approx(-2 * 86400, abs=5)  # the last frame sent was 2 days old
    assert health["clock_suspect"] is True
    assert metric(metrics, "anpr_ingest_frames_total", camera=camera_id, outcome="accepted") == 2
    assert metric(metrics, "anpr_ingest_frames_total", camera=camera_id, outcome="clock_skew") == 1
    assert metric(metrics, "anpr_ingest_frames_total", camera=unplaced, outcome="no_placement") == 1
    assert metric(metrics, "anpr_ingest_last_frame_timestamp_seconds", camera=camera_id) == pytest.approx(
        last_frame_at.timestamp(), abs=0.01
    )
    assert metric(metrics, "anpr_ingest_clock_skew_seconds", camera=camera_id) is not None
    assert 'camera="cam-ghost' not in metrics  # unregistered ids count under camera="unknown"
    assert (metric(metrics, "anpr_ingest_frames_total", camera="unknown", outcome="unknown_camera") or 0) >= 1


async def test_health_is_shared_by_instances_and_survives_a_restart(
    settings: IngestSettings, run_app: Callable[..., Any]
) -> None:
    async with client_of(settings, run_app) as first, client_of(settings, run_app) as second:
        camera_id = await a_placed_camera(first)
        for ingest in (first, second, second):
            assert (await post_frame(ingest, camera_id, CAMERA)).status_code == 202
        assert (await post_frame(first, camera_id, content_type="text/plain")).status_code == 415
        ghost = unique("cam-ghost")
        assert (await post_frame(second, ghost)).status_code == 404

    async with client_of(settings, run_app) as restarted:
        health = await health_of(restarted, camera_id)
        report = (await restarted.get("/v1/cameras/health", headers=OPERATOR)).json()

    assert health["frames_per_minute_5m"] == pytest.approx(3 / 5)
    assert health["rejected_24h"] == {"bad_type": 1}
    assert health["clock_skew_seconds"] == pytest.approx(-1, abs=1)
    assert health["clock_suspect"] is False
    assert health in report["cameras"]
    assert report["unregistered"]["unknown_camera"] >= 1


async def test_health_is_for_operators_supervisors_and_admins(
    settings: IngestSettings, run_app: Callable[..., Any]
) -> None:
    async with client_of(settings, run_app) as ingest:
        camera_id = await a_placed_camera(ingest)
        fresh = await health_of(ingest, camera_id)
        for path in ("/v1/cameras/health", f"/v1/cameras/{camera_id}/health"):
            assert (await ingest.get(path, headers=ADMIN)).status_code == 200
            assert (await ingest.get(path, headers=REVIEWER)).status_code == 403
            assert (await ingest.get(path, headers=CAMERA)).status_code == 403
            assert (await ingest.get(path)).status_code == 401
        assert (await ingest.get("/v1/cameras/cam-nowhere/health", headers=OPERATOR)).status_code == 404

    assert fresh == {
        "camera_id": camera_id,
        "last_frame_at": None,
        "frames_per_minute_5m": 0.0,
        "frames_per_minute_60m": 0.0,
        "rejected_24h": {},
        "clock_skew_seconds": None,
        "clock_skew_measured_at": None,
        "clock_suspect": False,
    }
