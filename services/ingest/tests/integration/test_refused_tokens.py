"""Refused tokens are limited per client address: past its allowance an address is answered 429 with
Retry-After, its guesses are neither looked up nor cached, and they no longer count against the camera
they name. Other addresses, static tokens and cached camera tokens are not held up."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from anpr_ingest import create_app
from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.config import IngestSettings

from .support import ADMIN, OPERATOR, STATIC_TOKENS, a_placed_camera, bearer, post_frame

BURST = 3


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    # One refusal a minute after the burst: nothing refills while the test runs.
    made: IngestSettings = isolated(
        IngestSettings, extra_tokens=STATIC_TOKENS, refused_tokens_burst=BURST, refused_tokens_per_minute=1
    )
    return made


def client(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://ingest")


async def test_an_address_that_guesses_tokens_is_held_up_and_stops_counting_against_the_camera(
    settings: IngestSettings, run_app: Callable[..., Any]
) -> None:
    app = create_app(settings)
    async with run_app(app), client(app, "192.0.2.7") as guesser, client(app, "192.0.2.8") as neighbour:
        camera_id = await a_placed_camera(guesser)
        issued = await guesser.post(f"/v1/cameras/{camera_id}/tokens", headers=ADMIN)
        own = bearer(issued.json()["token"])
        assert (await post_frame(guesser, camera_id, own)).status_code == 202  # now in the token cache
        cache = app.state.resources.component(IngestComponents).token_cache

        guessed = [await post_frame(guesser, camera_id, bearer(f"anprcam_guess-{n}")) for n in range(BURST + 3)]
        cached_after_the_burst = len(cache)
        late = await post_frame(guesser, camera_id, bearer("anprcam_one-more"))
        read = {"source": "camera", "camera_id": camera_id, "observed_at": "2026-01-01T00:00:00Z", "plate": "AB12CD"}
        guessed_read = await guesser.post("/v1/reads", json=read, headers=bearer("anprcam_read-guess"))

        assert [r.status_code for r in guessed] == [401] * BURST + [429] * 3
        assert int(guessed[-1].headers["Retry-After"]) >= 1
        assert "try again" in guessed[-1].json()["detail"]
        assert (late.status_code, guessed_read.status_code) == (429, 429)
        assert len(cache) == cached_after_the_burst  # the guesses past the burst were never looked up
        # The camera's own (cached) token and a static token still pass from the same address.
        assert (await post_frame(guesser, camera_id, own)).status_code == 202
        assert (await post_frame(guesser, camera_id, ADMIN)).status_code == 202
        # Another address has its own allowance.
        assert (await post_frame(neighbour, camera_id, bearer("anprcam_neighbour"))).status_code == 401

        health = await guesser.get(f"/v1/cameras/{camera_id}/health", headers=OPERATOR)
        assert health.json()["rejected_24h"]["wrong_token"] == BURST + 1  # the guesser's burst, the neighbour's one
