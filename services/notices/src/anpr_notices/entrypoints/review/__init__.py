"""The review UI at /review: a static page and script served by notices, working without internet.

The shell holds no personal data, so it needs no token; every candidate, image and decision goes through
the JSON API with the reviewer's bearer token, so the API's roles and audit log apply to the UI too."""

from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)
_STATIC = resources.files(__package__) / "static"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# No inline script, no third-party origin: the page can only talk to this service.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@router.get("/review", response_class=HTMLResponse)
async def review_page() -> HTMLResponse:
    return HTMLResponse((_STATIC / "review.html").read_text(encoding="utf-8"), headers=_HEADERS)


@router.get("/review/static/{name}")
async def review_static(name: str) -> Response:
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in _TYPES or "/" in name or name.startswith("."):
        raise HTTPException(404, "no such file")
    file = _STATIC / name
    if not file.is_file():
        raise HTTPException(404, "no such file")
    return Response(file.read_bytes(), media_type=_TYPES[suffix], headers=_HEADERS)
