import pytest

from anpr_ingest.domain.throttle import FailureThrottle, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_refusals_then_one_per_refill() -> None:
    clock = Clock()
    throttle = FailureThrottle(burst=3, per_minute=6, clock=clock)

    for _ in range(3):
        assert throttle.retry_after("a") is None
        throttle.refused("a")

    assert throttle.retry_after("a") == pytest.approx(10)
    assert throttle.retry_after("b") is None  # each address its own bucket
    clock.now += 10
    assert throttle.retry_after("a") is None
    throttle.refused("a")
    assert throttle.retry_after("a") == pytest.approx(10)


def test_refusals_while_held_up_do_not_dig_deeper() -> None:
    clock = Clock()
    throttle = FailureThrottle(burst=1, per_minute=60, clock=clock)
    for _ in range(50):
        throttle.refused("a")

    clock.now += 1
    assert throttle.retry_after("a") is None


def test_the_table_of_addresses_stays_bounded() -> None:
    throttle = FailureThrottle(burst=1, per_minute=1, max_clients=10, clock=Clock())
    for n in range(100):
        throttle.refused(f"10.0.0.{n}")

    assert throttle.retry_after("10.0.0.99") is not None  # the latest are remembered
    assert throttle.retry_after("10.0.0.0") is None  # the oldest forgotten: a full bucket again


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        (None, "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_subscriber_is_one_client(host: str | None, key: str) -> None:
    assert client_key(host) == key
