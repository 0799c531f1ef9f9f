"""A ceiling on JSON request bodies, enforced while they arrive.

FastAPI reads a JSON body whole before the route sees it, so a limit checked in the route comes too late:
a client could make ingest hold gigabytes. This ASGI middleware refuses a declared Content-Length over
the limit at once and stops a chunked upload as soon as it passes it, with 413 either way. Frames have
their own streaming limit in the frames route (max_frame_bytes).
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class JsonBodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, paths: tuple[str, ...]) -> None:
        self._app = app
        self._max_bytes = max_bytes
        self._paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self._paths):
            await self._app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self._max_bytes:
            await _refuse(send, f"body is {int(declared)} bytes, the limit is {self._max_bytes}")
            return
        # The body is read here, up to the limit (FastAPI would hold it whole anyway), and handed on.
        chunks, received = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see that
                break
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self._max_bytes:
                await _refuse(send, f"body is over the limit of {self._max_bytes} bytes: send smaller batches")
                return
            if not message.get("more_body", False):
                break
        body, delivered = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._app(scope, replay, send)


async def _refuse(send: Send, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
