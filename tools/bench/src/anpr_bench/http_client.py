"""The load generator of `anpr bench ingest`: keep-alive HTTP/1.1 connections that send prepared requests.

The bench client runs on the same two cores as the server it measures, and only the ingest side of the
comparison pays for it. A general client (httpx, aiohttp) spends a third of a millisecond or more on
each request; this one writes the head and body it is given and parses the answer with httptools (the
C parser uvicorn uses), so nearly all of the machine is left to ingest, as it would be with cameras on
other machines. It knows only what the bench sends: no redirects, no chunked uploads, no TLS.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httptools


class _Connection(asyncio.Protocol):
    """One keep-alive connection, one request at a time."""

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[tuple[int, bytes]] | None = None
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionError(f"unreadable answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._fail(ConnectionError(f"connection closed: {exc or 'by the server'}"))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result((self._parser.get_status_code(), b"".join(self._body)))

    def _fail(self, exc: Exception) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(exc)

    @property
    def open(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    async def send(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """Status and body of the answer to one request."""
        assert self._transport is not None
        self._answer, self._body = asyncio.get_running_loop().create_future(), []
        self._transport.writelines((head, body))
        return await self._answer

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class LeanClient:
    """Up to `connections` requests at once, each on a connection of its own; a lost one is replaced."""

    def __init__(self, base_url: str, connections: int) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self.host_header = f"{self._host}:{self._port}"
        self._size = connections
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        self._all: list[_Connection] = []

    async def _connect(self) -> _Connection:
        _, connection = await asyncio.get_running_loop().create_connection(_Connection, self._host, self._port)
        self._all.append(connection)
        return connection

    async def open(self) -> None:
        for _ in range(self._size):
            self._idle.put_nowait(await self._connect())

    def close(self) -> None:
        for connection in self._all:
            connection.close()

    def head(self, method: str, path: str, headers: Iterable[tuple[str, str]], body_bytes: int) -> bytes:
        """The request line and headers, Host and Content-Length included."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host_header}", f"Content-Length: {body_bytes}"]
        lines += [f"{name}: {value}" for name, value in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def send(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        connection = await self._idle.get()
        try:
            if not connection.open:
                connection = await self._connect()
            return await connection.send(head, body)
        except Exception:
            connection.close()  # its state is unknown: the next request opens a new one
            raise
        finally:
            self._idle.put_nowait(connection)


@asynccontextmanager
async def lean_client(base_url: str, connections: int) -> AsyncIterator[LeanClient]:
    client = LeanClient(base_url, connections)
    try:
        await client.open()
        yield client
    finally:
        client.close()
