"""/review on notices sends the browser on to the staff console's review screen (issue 14)."""

import httpx
import pytest
from fastapi import FastAPI

from anpr_notices.entrypoints import review


async def _review(app: FastAPI) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://notices") as client:
        return await client.get("/review")


async def test_review_redirects_to_the_console_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANPR_NOTICES_CONSOLE_URL", raising=False)
    app = FastAPI()
    app.include_router(review.router)
    response = await _review(app)
    assert response.status_code == 307
    assert response.headers["location"] == "http://127.0.0.1:8106/review"


async def test_review_redirects_to_the_configured_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_NOTICES_CONSOLE_URL", "https://console.gemeente.example/review")
    app = FastAPI()
    app.include_router(review.router)
    response = await _review(app)
    assert response.headers["location"] == "https://console.gemeente.example/review"
