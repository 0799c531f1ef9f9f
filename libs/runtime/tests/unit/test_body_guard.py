"""The body guard every service app gets: no body read without a bearer where a route takes one, and no
body past its route's limit, declared or chunked. Driven at the ASGI level so that what the app reads
from the client is counted, not only what it answers."""

import contextlib
import json
from collections.abc import AsyncIterator, MutableMapping
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from anpr_runtime.http import create_service_app

router = APIRouter()
bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
MIB = 1024 * 1024


class Item(BaseModel):
    name: str


@router.post("/v1/items")
async def post_item(_: Credentials, item: Item) -> dict[str, str]:
    return {"name": item.name}


@router.post("/v1/uploads/raw")
async def post_raw(request: Request, _: Credentials) -> dict[str, int]:
    return {"bytes": len(await request.body())}


@router.post("/open/echo")
async def echo(request: Request) -> dict[str, int]:
    return {"bytes": len(await request.body())}


@contextlib.asynccontextmanager
async def nothing(app: FastAPI) -> AsyncIterator[None]:
    yield


APP = create_service_app("guarded", nothing, [router], body_limits={"/v1/uploads": 4 * MIB})


class Client:
    """One request straight into the ASGI app, its body in the given chunks; counts what the app pulls."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.status = 0
        self.headers: dict[bytes, bytes] = {}
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        if self.pulled >= len(self.chunks):
            return {"type": "http.disconnect"}
        self.pulled += 1
        more = self.pulled < len(self.chunks)
        return {"type": "http.request", "body": self.chunks[self.pulled - 1], "more_body": more}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert not self.status, "a second response started"
            self.status, self.headers = message["status"], dict(message["headers"])
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    async def post(self, path: str, headers: dict[str, str], declared: int | None = None) -> "Client":
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        if declared is None:
            raw.append((b"transfer-encoding", b"chunked"))
        else:
            raw.append((b"content-length", str(declared).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"test"), (b"content-type", b"application/json"), *raw],
            "client": ("127.0.0.1", 5000),
            "server": ("test", 80),
            "state": {},
        }
        await APP(scope, self.receive, self.send)
        return self

    @property
    def detail(self) -> str:
        detail: str = json.loads(self.body)["detail"]
        return detail


TOKEN = {"Authorization": "Bearer anything"}
SMALL = json.dumps({"name": "x"}).encode()


@pytest.mark.parametrize("authorization", [None, "Basic dXNlcjpwdw==", "Bearer ", "Bearer"])
@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_without_a_bearer_is_refused_401_before_any_of_it_is_read(
    authorization: str | None, declared: bool
) -> None:
    body = [b"x" * MIB] * 10
    headers = {"Authorization": authorization} if authorization is not None else {}

    sent = await Client(body).post("/v1/items", headers, declared=10 * MIB if declared else None)

    assert (sent.status, sent.pulled) == (401, 0)
    assert sent.headers[b"www-authenticate"] == b"Bearer"
    assert sent.detail == "missing bearer token"


async def test_a_declared_body_over_the_limit_is_refused_413_unread() -> None:
    sent = await Client([b"x" * MIB] * 2).post("/v1/items", TOKEN, declared=MIB + 1)

    assert (sent.status, sent.pulled) == (413, 0)
    assert "limit" in sent.detail
    assert sent.headers[b"x-correlation-id"]  # the refusal passed the observed-requests layer


async def test_a_chunked_body_is_cut_off_at_the_limit_and_the_app_s_answer_dropped() -> None:
    sent = await Client([b"x" * (256 * 1024)] * 400).post("/v1/items", TOKEN)  # 100 MiB on offer

    assert sent.status == 413
    assert sent.pulled == 5  # 1 MiB and one chunk more, not the 100 MiB
    assert "limit" in sent.detail


async def test_a_longer_prefix_has_its_own_limit() -> None:
    three = [b"x" * MIB] * 3
    taken = await Client(three).post("/v1/uploads/raw", TOKEN)
    refused = await Client(three + three).post("/v1/uploads/raw", TOKEN)

    assert (taken.status, json.loads(taken.body)) == (200, {"bytes": 3 * MIB})
    assert refused.status == 413


async def test_a_body_within_the_limit_with_a_bearer_reaches_the_route() -> None:
    sent = await Client([SMALL[:5], SMALL[5:]]).post("/v1/items", TOKEN)

    assert (sent.status, json.loads(sent.body)) == (200, {"name": "x"})


async def test_a_route_without_a_bearer_takes_a_body_but_only_up_to_the_limit() -> None:
    taken = await Client([b"x" * 1000]).post("/open/echo", {}, declared=1000)
    refused = await Client([b"x" * MIB, b"x"]).post("/open/echo", {})

    assert (taken.status, json.loads(taken.body)) == (200, {"bytes": 1000})
    assert refused.status == 413


async def test_an_unknown_path_is_still_bounded() -> None:
    sent = await Client([b"x"]).post("/nowhere", {}, declared=100 * MIB)

    assert (sent.status, sent.pulled) == (413, 0)
