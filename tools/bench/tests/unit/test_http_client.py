"""The bench's load generator against a real socket: what it sends, what it reads back, lost connections."""

import asyncio

import pytest

from anpr_bench.http_client import lean_client

ANSWER = b'HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 16\r\n\r\n{"frame_id":"1"}'


async def serve(requests: list[bytes], close_after: int | None = None) -> asyncio.Server:
    """Answers each request (its head and Content-Length body) with ANSWER; closes after `close_after`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(close_after or 1_000):
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:  # the client closed the connection
                break
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            requests.append(head + await reader.readexactly(length))
            writer.write(ANSWER)
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_requests_go_as_given_and_answers_come_back_on_one_kept_connection() -> None:
    requests: list[bytes] = []
    server = await serve(requests)
    port = server.sockets[0].getsockname()[1]
    async with server, lean_client(f"http://127.0.0.1:{port}", connections=1) as client:
        head = client.head("POST", "/v1/frames", [("X-Frame-Id", "f-1")], 5)
        answers = [await client.send(head, b"hello"), await client.send(head, b"world")]

    assert answers == [(202, b'{"frame_id":"1"}')] * 2
    assert (
        requests[0]
        == (
            f"POST /v1/frames HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 5\r\nX-Frame-Id: f-1\r\n\r\nhello"
        ).encode()
    )
    assert requests[1].endswith(b"\r\n\r\nworld")


async def test_a_connection_the_server_closed_is_replaced_for_the_next_request() -> None:
    requests: list[bytes] = []
    server = await serve(requests, close_after=1)
    port = server.sockets[0].getsockname()[1]
    async with server, lean_client(f"http://127.0.0.1:{port}", connections=1) as client:
        head = client.head("POST", "/v1/reads", [], 2)
        assert await client.send(head, b"{}") == (202, b'{"frame_id":"1"}')
        await asyncio.sleep(0.05)  # the server has closed it by now
        assert await client.send(head, b"{}") == (202, b'{"frame_id":"1"}')

    assert len(requests) == 2


async def test_a_connection_lost_before_the_answer_fails_that_request() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, lean_client(f"http://127.0.0.1:{port}", connections=1) as client:
        with pytest.raises(ConnectionError, match="closed"):
            await client.send(client.head("POST", "/v1/frames", [], 0), b"")
