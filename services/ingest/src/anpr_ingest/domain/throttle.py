"""Refused tokens per client address: a token bucket of `burst` refusals that refills at a steady rate.

An address whose bucket is empty is answered 429 without its token being looked up, and its refusals no
longer count against the camera it names: guessing tokens, or blaming a camera for them, costs the
database and a camera's health at most `burst` and then the refill rate per address.
"""

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable

_IPV6_NETWORK = 64  # one subscriber gets a whole /64: counting single IPv6 addresses would count nothing


def client_key(host: str | None) -> str:
    """The address a bucket belongs to: an IPv4 address, or the /64 of an IPv6 one."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, _IPV6_NETWORK), strict=False))
    return str(address)


class FailureThrottle:
    def __init__(
        self,
        burst: int,
        per_minute: float,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = float(burst)
        self._per_second = per_minute / 60
        self._max_clients = max_clients
        self._clock = clock
        # client -> (refusals still allowed, when that was reckoned); least recently refused first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def retry_after(self, client: str) -> float | None:
        """None while the client may still be refused; else the seconds until it may again."""
        left = self._left(client, self._clock())
        return None if left >= 1 else (1 - left) / self._per_second

    def refused(self, client: str) -> None:
        now = self._clock()
        self._buckets[client] = (max(self._left(client, now) - 1, 0.0), now)
        self._buckets.move_to_end(client)
        # A full bucket is what a forgotten client starts with: dropping the oldest forgets the least.
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)

    def _left(self, client: str, now: float) -> float:
        bucket = self._buckets.get(client)
        if bucket is None:
            return self._burst
        left, since = bucket
        return min(self._burst, left + (now - since) * self._per_second)
