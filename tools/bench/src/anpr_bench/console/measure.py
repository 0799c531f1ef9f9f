"""Page times of the console's screens against the same data fetched straight from the services' APIs with
the same person's token, sample by sample: each sample takes one console page and its API equivalent right
after each other (in alternating order), so load noise of the shared machine hits both alike."""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from rich.progress import Progress

from anpr_bench.common import percentile
from anpr_bench.console.people import ApiToken

WARM_UP = 3  # samples per screen not counted: first connections, the services' first queries
# As the console's screens ask (anpr_console's handlers; they are not part of its public face):
QUEUE_SIZE = 50  # the review queue (ANPR_CONSOLE_REVIEW_QUEUE_SIZE default)
SEARCH_LIMIT = 200  # permits shown per search
STATS_DAYS = 7  # the statistics screen's default period
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class ScreenMissing(Exception):
    """The console answered 404 for the screen's path: it is not built (yet)."""


@dataclass
class Screen:
    name: str  # review, permits, stats
    console: httpx.AsyncClient  # signed in as the screen's person (cookie), base_url the console
    token: ApiToken  # the same person's token for the API baseline
    page: Callable[[str], str]  # sample's plate -> the console path
    api: Callable[[httpx.AsyncClient, str, str], Awaitable[None]]  # (http, token, plate): the same data
    console_ms: list[float] = field(default_factory=list)
    api_ms: list[float] = field(default_factory=list)
    missing: str | None = None  # why console figures are null


async def _timed(call: Awaitable[Any]) -> float:
    started = time.perf_counter()
    await call
    return (time.perf_counter() - started) * 1000


async def _console_page(screen: Screen, path: str) -> None:
    # No redirects followed: a 303 to /login means the session was lost, which must not count as a page.
    response = await screen.console.get(path)
    if response.status_code == 404:
        raise ScreenMissing(f"GET {path} answered 404")
    if response.status_code != 200:
        raise RuntimeError(f"console GET {path} answered {response.status_code}: {response.text[:300]}")


async def measure(
    screens: list[Screen], api: httpx.AsyncClient, samples: int, plates: list[str], seed: int = 14
) -> None:
    rng = random.Random(seed)
    with Progress() as bar:
        task = bar.add_task("samples (each: 3 console pages, their API calls)", total=samples)
        for n in range(-WARM_UP, samples):
            for screen in screens:
                took = await _sample(screen, api, rng.choice(plates), console_first=n % 2 == 0)
                if n >= 0:
                    screen.api_ms.append(took["api"])
                    if "console" in took:
                        screen.console_ms.append(took["console"])
            if n >= 0:
                bar.update(task, advance=1)


async def _sample(screen: Screen, api: httpx.AsyncClient, plate: str, console_first: bool) -> dict[str, float]:
    """The screen's page and its API calls, one right after the other; no console figure once the page
    answered 404."""
    token = await screen.token.get(api)  # outside the timing: a renewal is no page cost
    took: dict[str, float] = {}
    for side in ("console", "api") if console_first else ("api", "console"):
        if side == "api":
            took["api"] = await _timed(screen.api(api, token, plate))
        elif not screen.missing:
            try:
                took["console"] = await _timed(_console_page(screen, screen.page(plate)))
            except ScreenMissing as missing:
                screen.missing = str(missing)
    return took


def figures(screens: list[Screen]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for screen in screens:
        console = screen.console_ms if not screen.missing else []
        for prefix, values in (("", console), ("api_", screen.api_ms)):
            for q in (50, 95):
                out[f"{prefix}{screen.name}_p{q}_ms"] = round(percentile(values, q / 100), 1) if values else None
        p95, api_p95 = out[f"{screen.name}_p95_ms"], out[f"api_{screen.name}_p95_ms"]
        out[f"{screen.name}_ratio_p95"] = round(p95 / api_p95, 2) if p95 is not None and api_p95 else None
        if screen.missing:
            out[f"{screen.name}_missing"] = screen.missing
    pages = [out[f"{s.name}_p95_ms"] for s in screens]
    out["target_met"] = all(p is not None and p < 300 for p in pages)
    return out


def _bearer(token: str, purpose: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} | ({"X-Purpose": purpose} if purpose else {})


def _get(
    http: httpx.AsyncClient, url: str, token: str, params: dict[str, Any] | None = None, purpose: str | None = "review"
) -> Any:
    """As the console sends it: notices records the purpose with every audit row of what was shown."""
    return http.get(url, params=params, headers=_bearer(token, purpose))


async def _ok(response: Awaitable[httpx.Response]) -> httpx.Response:
    answered = await response
    if answered.status_code not in (200, 404):  # 404: rules knows no vehicle of that plate (not in the RDW file)
        raise RuntimeError(f"API {answered.request.url} answered {answered.status_code}: {answered.text[:300]}")
    return answered


def review_api(notices: str, rules: str) -> Callable[[httpx.AsyncClient, str, str], Awaitable[None]]:
    """What the review page fetches: the queue, its oldest candidate, then that vehicle's make/model/colour
    and offender history side by side (anpr_console's load_review)."""

    async def call(http: httpx.AsyncClient, token: str, _: str) -> None:
        params = {"status": "pending", "limit": QUEUE_SIZE, "order": "oldest"}
        queue = (await _ok(_get(http, f"{notices}/v1/candidates", token, params))).json()
        first = await _ok(_get(http, f"{notices}/v1/candidates/{queue[0]['id']}", token))
        body = {"plate": first.json()["plate"]}
        describe = http.post(f"{rules}/v1/vehicles/describe", json=body, headers=_bearer(token, "review"))
        await asyncio.gather(_ok(describe), _ok(_get(http, f"{notices}/v1/candidates/{queue[0]['id']}/history", token)))

    return call


def permits_api(exemptions: str) -> Callable[[httpx.AsyncClient, str, str], Awaitable[None]]:
    """What the permit search fetches: the plate's permits (one more than it shows, to know there are more)
    and, beside them, the plate's day-permit quota left this year (anpr_console's permits.search)."""

    async def call(http: httpx.AsyncClient, token: str, plate: str) -> None:
        params = {"plate": plate, "limit": SEARCH_LIMIT + 1}
        quota = http.post(f"{exemptions}/v1/quota", json={"plate": plate}, headers=_bearer(token, "permit_desk"))
        await asyncio.gather(_ok(_get(http, f"{exemptions}/v1/exemptions", token, params, "permit_desk")), _ok(quota))

    return call


def stats_api(notices: str) -> Callable[[httpx.AsyncClient, str, str], Awaitable[None]]:
    """What the statistics screen fetches by default: the last STATS_DAYS days up to today (Amsterdam days),
    then each reviewer's display name from their newest audit row (anpr_console's load_stats)."""

    async def call(http: httpx.AsyncClient, token: str, _: str) -> None:
        today = datetime.now(AMSTERDAM).date()
        since = datetime.combine(today - timedelta(days=STATS_DAYS - 1), datetime.min.time(), AMSTERDAM)
        until = datetime.combine(today + timedelta(days=1), datetime.min.time(), AMSTERDAM)
        params = {"since": since.isoformat(), "until": until.isoformat()}
        stats = (await _ok(_get(http, f"{notices}/v1/stats", token, params))).json()
        reviewers = sorted({str(row["reviewer"]) for row in stats.get("reviewers") or [] if row.get("reviewer")})
        lookups = (_get(http, f"{notices}/v1/audit", token, {"actor": subject, "limit": 1}) for subject in reviewers)
        await asyncio.gather(*(_ok(lookup) for lookup in lookups))

    return call
