"""The platform's services, called with the signed-in person's own access token: their role checks and
audit apply to every request the console makes.

    ServiceUnavailable   the service cannot be reached, timed out, or answered 5xx
    ServiceRefused       any 4xx: `status` and `detail` as the service gave them, and its `code` and
                         `params` when it sent a stable code (exemptions' counter refusals)
"""

from dataclasses import dataclass
from typing import Any

import httpx

from anpr_runtime.errors import RetriableError


class ServiceUnavailable(RetriableError):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service


class ServiceRefused(Exception):
    def __init__(
        self,
        service: str,
        status: int,
        detail: str,
        route_missing: bool,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{service} answered {status}: {detail}")
        self.service = service
        self.status = status
        self.detail = detail
        # FastAPI's own answer for a path it has no route for: the feature is not deployed (yet).
        self.route_missing = route_missing
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class Binary:
    content: bytes
    media_type: str


class ServicesApi:
    def __init__(self, http: httpx.AsyncClient, base_urls: dict[str, str]) -> None:
        self._http = http
        self._base = {name: url.rstrip("/") for name, url in base_urls.items()}

    async def get_json(
        self, service: str, path: str, token: str, params: dict[str, Any] | None = None, purpose: str | None = None
    ) -> Any:
        response = await self._send("GET", service, path, token, params=params, purpose=purpose)
        return response.json()

    async def post_json(self, service: str, path: str, token: str, body: Any, purpose: str | None = None) -> Any:
        response = await self._send("POST", service, path, token, json=body, purpose=purpose)
        return response.json()

    async def patch_json(self, service: str, path: str, token: str, body: Any, purpose: str | None = None) -> Any:
        response = await self._send("PATCH", service, path, token, json=body, purpose=purpose)
        return response.json()

    async def post_file(
        self, service: str, path: str, token: str, field: str, file: Binary, name: str, purpose: str | None = None
    ) -> Any:
        """A multipart upload (a CSV import): the file under `field`, as the person sent it."""
        files = {field: (name, file.content, file.media_type)}
        response = await self._send("POST", service, path, token, files=files, purpose=purpose)
        return response.json()

    async def post_content(
        self, service: str, path: str, token: str, content: bytes, media_type: str, purpose: str | None = None
    ) -> Any:
        """A raw body with its own media type (exemptions' CSV import takes text/csv, not a multipart form)."""
        response = await self._send(
            "POST", service, path, token, content=content, media_type=media_type, purpose=purpose
        )
        return response.json()

    async def get_binary(self, service: str, path: str, token: str, purpose: str | None = None) -> Binary:
        response = await self._send("GET", service, path, token, purpose=purpose)
        return Binary(response.content, response.headers.get("content-type", "application/octet-stream"))

    async def _send(
        self,
        method: str,
        service: str,
        path: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        content: bytes | None = None,
        media_type: str | None = None,
        purpose: str | None = None,
    ) -> httpx.Response:
        # No token: a public route (exemptions' prices for the counter's start page, before anyone signs in).
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if media_type:
            headers["Content-Type"] = media_type
        if purpose:
            headers["X-Purpose"] = purpose
        url = f"{self._base[service]}{path}"
        try:
            response = await self._http.request(
                method, url, params=params, json=json, files=files, content=content, headers=headers
            )
        except httpx.HTTPError as error:
            raise ServiceUnavailable(service, type(error).__name__) from error
        if response.status_code >= 500:
            raise ServiceUnavailable(service, f"answered {response.status_code}")
        if response.status_code >= 400:
            detail = _detail(response)
            missing = response.status_code in (404, 405) and detail in ("Not Found", "Method Not Allowed")
            code, params = _code(response)
            raise ServiceRefused(service, response.status_code, detail, missing, code, params)
        return response


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        # pydantic's 422: the first problem is enough for a person, with where it is (`regime.applies_at`).
        where = ".".join(str(part) for part in detail[0].get("loc", [])[1:])
        message = str(detail[0].get("msg", detail))
        return f"{where}: {message}" if where else message
    return response.reason_phrase


def _code(response: httpx.Response) -> tuple[str | None, dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return None, {}
    if not isinstance(body, dict):
        return None, {}
    detail = body.get("detail")
    if isinstance(detail, list) and detail and isinstance(detail[0], dict) and isinstance(detail[0].get("type"), str):
        # A request the schema refused (pydantic's 422) has no refusal code of exemptions' own; its first
        # problem's type is a stable one (`missing`, `string_too_long` with `max_length`, ...), so the
        # counter can say the common ones in the applicant's language instead of pydantic's English.
        context = detail[0].get("ctx")
        return f"request.{detail[0]['type']}", context if isinstance(context, dict) else {}
    if not isinstance(body.get("code"), str):
        return None, {}
    params = body.get("params")
    return body["code"], params if isinstance(params, dict) else {}
