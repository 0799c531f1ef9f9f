"""Request bodies are bounded and unauthenticated ones are not read: one ASGI middleware in every service.

FastAPI reads and parses a route's JSON body before its dependencies run, so a request without a token
used to be read whole (any size) and answered 422. In front of the app, per request with a body:

1. a route that takes a bearer token (an `HTTPBearer` anywhere in its dependencies) and a request without
   `Authorization: Bearer <something>`: 401 at once, nothing read (the token itself is still verified by
   the route, after the bounded body);
2. a declared Content-Length over the route's limit: 413 at once, nothing read;
3. a body that streams past the limit (chunked): 413 as soon as it does; the app then sees the client
   gone and whatever it answers is dropped.

Limits are by path prefix (the longest one that matches), else the default.
"""

import json
from collections.abc import Mapping
from typing import Any

from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1024 * 1024

__all__ = ["DEFAULT_MAX_BODY_BYTES", "BodyGuard"]


class BodyGuard:
    def __init__(
        self,
        app: ASGIApp,
        router: Router,
        limits: Mapping[str, int] | None = None,
        default_limit: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._app = app
        self._router = router  # read per request: routes added after the app was built count too
        self._limits = sorted((limits or {}).items(), key=lambda item: len(item[0]), reverse=True)
        self._default = default_limit
        # id(route) -> (route, needs a bearer); the route is kept so that its id is never reused.
        self._bearer_routes: dict[int, tuple[Any, bool]] = {}

    def limit_for(self, path: str) -> int:
        return next((limit for prefix, limit in self._limits if path.startswith(prefix)), self._default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared, chunked, authorization = _body_headers(scope)
        if declared is None and not chunked:  # no body: nothing to bound (HTTP/1.1 sends none)
            await self._app(scope, receive, send)
            return
        if self._needs_bearer(scope) and not _is_bearer(authorization):
            await _refuse(send, 401, "missing bearer token", [(b"www-authenticate", b"Bearer")])
            return
        limit = self.limit_for(scope["path"])
        if declared is not None and declared > limit:
            await _refuse(send, 413, f"request body is {declared} bytes, the limit here is {limit}")
            return
        if declared is not None and not chunked:  # the server's parser ends the body at the declared length
            await self._app(scope, receive, send)
            return
        await _Counted(self._app, limit)(scope, receive, send)

    def _needs_bearer(self, scope: Scope) -> bool:
        for route in self._router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return self._route_needs_bearer(route)
        return False  # 404 or 405: the router answers without reading the body

    def _route_needs_bearer(self, route: Any) -> bool:
        known = self._bearer_routes.get(id(route))
        if known is None:
            known = (route, isinstance(route, APIRoute) and _takes_bearer(route.dependant))
            self._bearer_routes[id(route)] = known
        return known[1]


class _Counted:
    """One request whose body is counted as it arrives."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self._app = app
        self._limit = limit
        self._received = 0
        self._started = False
        self._refused = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            if self._refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                self._received += len(message.get("body", b""))
                if self._received > self._limit and not self._started:
                    self._refused = True
                    await _refuse(send, 413, f"request body is over the limit of {self._limit} bytes here")
                    return {"type": "http.disconnect"}  # the app stops reading, as if the client left
            return message

        async def sending(message: Message) -> None:
            if self._refused:
                return  # the 413 is the answer; the app's own (a 400 for a "lost" client) is dropped
            if message["type"] == "http.response.start":
                self._started = True
            await send(message)

        try:
            await self._app(scope, counted, sending)
        except Exception:
            if not self._refused:
                raise
            # The app failed on the body we cut off (ClientDisconnect, say): the client has its 413.


def _body_headers(scope: Scope) -> tuple[int | None, bool, bytes]:
    declared: int | None = None
    chunked = False
    authorization = b""
    for name, value in scope["headers"]:
        if name == b"content-length":
            declared = int(value) if value.isdigit() else None
        elif name == b"transfer-encoding":
            chunked = True
        elif name == b"authorization":
            authorization = value
    if declared == 0:
        declared = None
    return declared, chunked, authorization


def _is_bearer(authorization: bytes) -> bool:
    scheme, _, token = authorization.partition(b" ")
    return scheme.lower() == b"bearer" and bool(token.strip())


def _takes_bearer(dependant: Any) -> bool:
    return any(isinstance(d.call, HTTPBearer) or _takes_bearer(d) for d in dependant.dependencies)


async def _refuse(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
