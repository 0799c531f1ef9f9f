"""Hostile bodies against the services as real processes (uvicorn, as `anpr up` runs them): 100 MB without
a token, declared or chunked, is refused with 401 or 413 within a second on every service, and the
service's resident memory stays where it was; chunked webhooks past their limit get 413; refused tokens
are limited per address; an implausible plate is refused with the reason."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from .processes import ADMIN_TOKEN, Service, post_streaming, resident_mib, start_all, stop_all

pytestmark = pytest.mark.integration

HUNDRED_MB = 100 * 1000 * 1000
# A route of each service that takes a body, and how it may refuse one without a token: 401 before any
# of it is read, or 413 (a declared length over the limit, at once). Recognition has no route that takes a
# body: its router answers 405 without reading one. The console's token is its session cookie: without
# one it sends the browser to sign in (303) before it reads anything.
TARGETS = {
    "ingest": ("/v1/reads", {401, 413}),
    "recognition": ("/v1/model", {405, 413}),
    "rules": ("/v1/forecast", {401, 413}),
    "exemptions": ("/v1/exemptions", {401, 413}),
    "notices": ("/v1/retention/purge", {401, 413}),
    "console": ("/permits/new", {303, 413}),
}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def services(infra: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Service]]:
    run_dir: Path = tmp_path_factory.mktemp("body-limits")
    started = start_all(infra, run_dir)
    try:
        yield started
    finally:
        stop_all(started)


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
@pytest.mark.parametrize("name", list(TARGETS))
def test_100_mb_without_a_token_is_refused_at_once_and_costs_no_memory(
    services: dict[str, Service], name: str, chunked: bool
) -> None:
    service = services[name]
    before = resident_mib(service.pid)
    headers = {"Content-Type": "application/json"}

    path, refusals = TARGETS[name]

    answers = [post_streaming(service.port, path, headers, HUNDRED_MB, chunked) for _ in range(3)]

    after = resident_mib(service.pid)
    for answer in answers:
        assert answer.status in refusals, f"{answer.head}\n{service.tail()}"
        assert answer.seconds < 1, answer
        assert answer.body_bytes_sent < HUNDRED_MB / 10, answer  # refused long before the end
    assert after - before < 50, f"{name} grew from {before:.0f} to {after:.0f} MiB"


@pytest.mark.parametrize("path", ["/v1/webhooks/openalpr", "/v1/webhooks/platerecognizer"])
def test_a_chunked_webhook_past_its_limit_is_413_even_with_a_token(services: dict[str, Service], path: str) -> None:
    ingest = services["ingest"]
    before = resident_mib(ingest.pid)

    answer = post_streaming(ingest.port, path, {**ADMIN, "Content-Type": "application/json"}, HUNDRED_MB, True)

    assert answer.status == 413, f"{answer.head}\n{ingest.tail()}"
    assert answer.seconds < 1, answer
    after = resident_mib(ingest.pid)
    assert after - before < 50


def test_an_address_that_keeps_sending_unknown_tokens_is_answered_429(services: dict[str, Service]) -> None:
    read = {"source": "camera", "observed_at": datetime.now(UTC).isoformat(), "plate": "AB12CD"}
    with httpx.Client(base_url=services["ingest"].url, timeout=10) as ingest:
        statuses = [
            ingest.post("/v1/reads", json=read, headers={"Authorization": f"Bearer anprcam_guess-{n}"})
            for n in range(25)
        ]
        admitted = ingest.post("/v1/reads", json={**read, "location_id": "nowhere"}, headers=ADMIN)

    assert [r.status_code for r in statuses] == [401] * 20 + [429] * 5
    assert int(statuses[-1].headers["Retry-After"]) >= 1
    assert admitted.status_code != 429  # a static token still passes from the same address


@pytest.mark.parametrize(("plate", "country"), [("W", None), ("0", None), ("ONI", None), ("BAB1234", "NL")])
def test_an_implausible_plate_is_refused_with_the_reason(
    services: dict[str, Service], plate: str, country: str | None
) -> None:
    read = {
        "source": "camera",
        "location_id": "anywhere",
        "observed_at": datetime.now(UTC).isoformat(),
        "plate": plate,
        "country": country,
    }

    refused = httpx.post(f"{services['ingest'].url}/v1/reads", json=read, headers=ADMIN, timeout=10)

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert "plate" in problem["loc"] or "not a plate" in problem["msg"], problem
