"""/review moved to the staff console (services/console), which signs reviewers in with their personal
accounts; bookmarks and the README's old address land there. The console's address is a setting of its
own, read per request, so the rest of notices needs no change to its settings."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

router = APIRouter(include_in_schema=False)


class ConsoleAddress(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_NOTICES_", extra="ignore", frozen=True)

    console_url: str = Field(default="http://127.0.0.1:8106/review", min_length=1)


@router.get("/review")
async def review_page() -> RedirectResponse:
    # 307 rather than 301: the address is configuration and may change; browsers would keep a 301.
    return RedirectResponse(ConsoleAddress().console_url, status_code=307)
