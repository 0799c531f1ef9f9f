"""A TCP proxy in front of the test broker that a test can cut and restore: a real outage as the client sees it.

The broker advertises its own address in metadata; the proxy rewrites that port in every response to its
own, so the client's bootstrap and broker connections all run through it. The host and the port keep
their length, so frames need no re-encoding (metadata responses carry no checksum).
"""

import asyncio
import contextlib
import struct


class KafkaProxy:
    def __init__(self, broker: str) -> None:
        host, _, port = broker.rpartition(":")
        self._host, self._port = host, int(port)
        self._server: asyncio.Server | None = None
        self._open = True
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def address(self) -> str:
        return f"{self._host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        """Drop every connection and refuse new ones until `restore`."""
        self._open = False
        for writer in list(self._writers):
            writer.close()

    def restore(self) -> None:
        self._open = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if not self._open:
            client_writer.close()
            return
        try:
            broker_reader, broker_writer = await asyncio.open_connection(self._host, self._port)
        except OSError:
            client_writer.close()
            return
        self._writers |= {client_writer, broker_writer}
        pipes = [
            asyncio.ensure_future(self._requests(client_reader, broker_writer)),
            asyncio.ensure_future(self._responses(broker_reader, client_writer)),
        ]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)  # resets and EOFs end a link, nothing more
            for writer in (client_writer, broker_writer):
                self._writers.discard(writer)
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()

    async def _responses(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        advertised = self._host.encode() + struct.pack(">i", self._port)
        ours = self._host.encode() + struct.pack(">i", self.port)
        while True:
            size = await reader.readexactly(4)
            frame = await reader.readexactly(struct.unpack(">i", size)[0])
            writer.write(size + frame.replace(advertised, ours))
            await writer.drain()
