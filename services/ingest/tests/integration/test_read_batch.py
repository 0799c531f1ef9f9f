"""POST /v1/reads/batch against the real stores: each read accepted or refused on its own, in order."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from anpr_contracts import READS, PlateRecognized
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints.reads import BatchAnswer

from .support import ADMIN, a_placed_camera, bearer, client_of, events_on, messages_on, unique

NOW = datetime.now(UTC).isoformat()


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings, max_batch_reads=5)
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(settings, run_app) as client:
        yield client


def a_read(camera_id: str, plate: str) -> dict[str, Any]:
    return {"source": "fixed_anpr", "camera_id": camera_id, "observed_at": NOW, "plate": plate}


async def test_batch_with_good_and_bad_reads_is_207_and_publishes_the_good_ones(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    batch = [
        a_read(camera_id, "72-VGX-6"),
        {**a_read(camera_id, "AB12CD"), "observed_at": "yesterday"},
        a_read(unique("cam-ghost"), "AB12CD"),
        "not a read",
        a_read(camera_id, "ZD-PB-67"),
    ]

    response = await ingest.post("/v1/reads/batch", json=batch, headers=ADMIN)

    assert response.status_code == 207, response.text
    answer = response.json()
    assert (answer["accepted"], answer["refused"]) == (2, 3)
    results = answer["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in results] == [202, 422, 404, 422, 202]
    assert [r["read_id"] is not None for r in results] == [True, False, False, False, True]
    assert results[1]["error"].startswith("observed_at: ")
    assert "unknown camera" in results[2]["error"]
    assert results[3]["error"].startswith("read: ")
    published = await events_on(settings, READS.name)
    assert all(isinstance(read, PlateRecognized) for read in published)
    assert sorted(str(read.read_id) for read in published) == sorted([results[0]["read_id"], results[4]["read_id"]])
    assert sorted(read.plate for read in published) == ["72VGX6", "ZDPB67"]


async def test_batch_of_good_reads_is_202(settings: IngestSettings, ingest: httpx.AsyncClient) -> None:
    camera_id = await a_placed_camera(ingest)

    response = await ingest.post("/v1/reads/batch", json=[a_read(camera_id, "72VGX6")] * 3, headers=ADMIN)

    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == 3
    assert all(r["error"] is None for r in response.json()["results"])
    assert await messages_on(settings, READS.name) == 3


async def test_batch_answer_is_the_documented_model_with_every_field(ingest: httpx.AsyncClient) -> None:
    # The answer is written as JSON directly (not through FastAPI's response model): it must still be
    # exactly what BatchAnswer writes, and the OpenAPI must still document it for 202 and 207.
    camera_id = await a_placed_camera(ingest)

    response = await ingest.post(
        "/v1/reads/batch", json=[a_read(camera_id, "72VGX6"), a_read(camera_id, "")], headers=ADMIN
    )

    assert response.status_code == 207, response.text
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert BatchAnswer.model_validate(answer).model_dump(mode="json") == answer
    assert [set(item) for item in answer["results"]] == [{"index", "read_id", "error", "status"}] * 2
    documented = (await ingest.get("/openapi.json")).json()["paths"]["/v1/reads/batch"]["post"]["responses"]
    for code in ("202", "207"):
        assert documented[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BatchAnswer"}


@pytest.mark.parametrize("body", [{"reads": []}, "a string", 42])
async def test_batch_that_is_not_a_list_is_422(ingest: httpx.AsyncClient, body: object) -> None:
    response = await ingest.post("/v1/reads/batch", json=body, headers=ADMIN)

    assert response.status_code == 422
    assert response.json()["detail"]


async def test_batch_over_the_limit_is_422_and_publishes_nothing(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)

    response = await ingest.post("/v1/reads/batch", json=[a_read(camera_id, "72VGX6")] * 6, headers=ADMIN)

    assert response.status_code == 422
    assert response.json()["detail"] == "a batch holds at most 5 reads, got 6"
    assert await messages_on(settings, READS.name) == 0


async def test_camera_token_in_a_batch_speaks_only_for_its_camera(ingest: httpx.AsyncClient) -> None:
    mine, other = await a_placed_camera(ingest), await a_placed_camera(ingest)
    issued = await ingest.post(f"/v1/cameras/{mine}/tokens", headers=ADMIN)
    token = bearer(issued.json()["token"])

    response = await ingest.post(
        "/v1/reads/batch", json=[a_read(mine, "72VGX6"), a_read(other, "72VGX6")], headers=token
    )

    assert response.status_code == 207
    assert [r["status"] for r in response.json()["results"]] == [202, 403]
    assert (await ingest.post("/v1/reads/batch", json=[], headers=bearer("wrong"))).status_code == 401


async def test_every_read_of_a_batch_carries_the_requests_correlation_id(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    batch = [a_read(camera_id, "72-VGX-6"), a_read(camera_id, "ZD-PB-67")]

    response = await ingest.post("/v1/reads/batch", json=batch, headers={**ADMIN, "X-Correlation-Id": "trace-b1"})
    single = await ingest.post("/v1/reads", json=a_read(camera_id, "AB12CD"), headers=ADMIN)

    assert response.status_code == 202, response.text
    assert single.status_code == 202, single.text
    published = await events_on(settings, READS.name)
    by_read = {str(read.read_id): read.correlation_id for read in published}
    assert [by_read[r["read_id"]] for r in response.json()["results"]] == ["trace-b1", "trace-b1"]
    assert by_read[single.json()["read_id"]] == single.headers["X-Correlation-Id"]  # the one ingest made
