"""The fault suite's senders: a 500 is retried as a gateway would, yet counted as a server error and fails the
suite, so an unhandled error under a fault cannot hide among the 503s a fault is meant to cause."""

import json
from datetime import UTC, datetime

import httpx

from anpr_bench.faults.command import passed
from anpr_bench.faults.plan import Read
from anpr_bench.faults.traffic import Sent, send_batch


def ingest_answering(*statuses: int) -> httpx.AsyncClient:
    """A fake ingest whose batch endpoint answers the given statuses in turn (then 202 for good)."""
    answers = iter(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        status = next(answers, 202)
        if status != 202:
            return httpx.Response(status, json={"detail": "boom"})
        body = json.loads(request.content)
        return httpx.Response(202, json={"results": [{"error": None, "status": 202} for _ in body]})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://ingest")


def reads(count: int) -> list[Read]:
    now = datetime.now(UTC)
    return [Read(plate=f"AB{n:03d}C", observed_at=now, kind="hit") for n in range(count)]


async def test_a_500_is_retried_and_counted_as_a_server_error() -> None:
    sent = Sent()
    async with ingest_answering(500, 503) as client:
        await send_batch(client, reads(3), sent, retry_after=0)

    assert sent.reads == 3
    assert sent.server_errors == {"batch": 1}
    assert sent.retries == {"batch 500": 1, "batch 503": 1}


async def test_a_503_alone_is_no_server_error() -> None:
    sent = Sent()
    async with ingest_answering(503, 503) as client:
        await send_batch(client, reads(2), sent, retry_after=0)

    assert sent.reads == 2
    assert not sent.server_errors


def test_the_suite_fails_on_a_server_error() -> None:
    clean = {
        "faults": [{"step": "kill ingest", "seconds": 1.0, "error": None}],
        "drained": True,
        "refused": [],
        "lost": 0,
        "duplicates": 0,
        "unexpected": 0,
        "dead_letters_missing": 0,
        "dead_letters_unexpected": 0,
        "no_hit_traces": 0,
        "server_errors": 0,
    }

    assert passed(clean)
    assert not passed(clean | {"server_errors": 1})
