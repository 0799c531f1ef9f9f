"""The counter's prices are exemptions' (its GET /v1/counter/fees, public): read without a token, kept for
a minute, the last known ones while exemptions is down, and "not known" on the page before any."""

import httpx

from anpr_console.adapters.services_api import ServicesApi
from anpr_console.entrypoints.loket import LOKET_COOKIE
from anpr_console.handlers.loket_fees import LoketFees

from .test_loket_pages import CSRF, applicant, counter

FEES = {"day-permit": 1234, "resident": 5000, "business": 10000, "disabled": 0, "works": 7500}


class Exemptions:
    """exemptions' fees route: answers `fees` (or 503 while `down`), and records what it was sent."""

    def __init__(self) -> None:
        self.fees = dict(FEES)
        self.down = False
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"currency": "EUR", "fees_cents": self.fees})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fees_of(exemptions: Exemptions, clock: Clock) -> LoketFees:
    http = httpx.AsyncClient(transport=httpx.MockTransport(exemptions))
    return LoketFees(ServicesApi(http, {"exemptions": "http://exemptions.test"}), 60, clock)


async def test_the_prices_are_read_without_a_token_and_kept_for_a_minute() -> None:
    exemptions, clock = Exemptions(), Clock()
    fees = fees_of(exemptions, clock)

    first = await fees.cents()
    exemptions.fees["day-permit"] = 1500
    clock.now += 59
    kept = await fees.cents()
    clock.now += 2
    changed = await fees.cents()

    assert first == kept == FEES
    assert changed == {**FEES, "day-permit": 1500}
    assert [r.url.path for r in exemptions.seen] == ["/v1/counter/fees", "/v1/counter/fees"]
    assert "authorization" not in exemptions.seen[0].headers, "a public route: no applicant's token to send"


async def test_while_exemptions_is_down_the_last_known_prices_stay_and_none_before_any() -> None:
    exemptions, clock = Exemptions(), Clock()
    exemptions.down = True
    fees = fees_of(exemptions, clock)

    assert await fees.cents() is None
    exemptions.down = False
    assert await fees.cents() == FEES
    exemptions.down = True
    clock.now += 120
    assert await fees.cents() == FEES
    assert await fees.cents() == FEES
    assert len(exemptions.seen) == 4, "an unanswered refresh is tried again on the next view"


async def test_the_start_and_apply_pages_show_exemptions_prices() -> None:
    async with counter(
        lambda _: httpx.Response(500), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()], fees=FEES
    ) as c:
        start = await c.get("/loket")
        apply = await c.get("/loket/apply/day-permit")

    assert "€ 12,34" in start.text
    assert "€ 25,00" not in start.text, "no price of the console's own any more"
    assert "€ 12,34" in apply.text


async def test_without_exemptions_the_start_page_says_the_price_is_not_known() -> None:
    async with counter(lambda _: httpx.Response(503), {}, fees_answered=False) as c:
        page = await c.get("/loket")

    assert page.status_code == 200
    assert "nu niet bekend" in page.text
    assert CSRF not in page.text
