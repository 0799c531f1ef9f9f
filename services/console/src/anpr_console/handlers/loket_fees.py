"""The counter's prices, as exemptions charges them (GET /v1/counter/fees, public): exemptions is the one
place they are configured. Kept for a short while, so the public start page does not call exemptions on
every view, and a price change still shows within a minute."""

import logging
import time
from collections.abc import Callable

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi, ServiceUnavailable

log = logging.getLogger(__name__)
FEES_PATH = "/v1/counter/fees"
FRESH_SECONDS = 60.0


class LoketFees:
    def __init__(
        self, api: ServicesApi, fresh_seconds: float = FRESH_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._api, self._fresh, self._clock = api, fresh_seconds, clock
        self._known: dict[str, int] | None = None
        self._at = float("-inf")

    async def cents(self) -> dict[str, int] | None:
        """Price per kind in cents; the last known prices while exemptions cannot answer, None before any."""
        now = self._clock()
        if self._known is not None and now - self._at < self._fresh:
            return self._known
        try:
            answer = await self._api.get_json("exemptions", FEES_PATH, token="")
        except (ServiceRefused, ServiceUnavailable):
            # Retried on the next view, not after a whole minute: the page says the price is unknown meanwhile.
            return self._known
        try:
            self._known = {str(kind): int(cents) for kind, cents in answer["fees_cents"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("console: exemptions' %s answered no prices per kind", FEES_PATH)
            return self._known
        self._at = now
        return self._known
