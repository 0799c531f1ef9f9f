"""The running services shared by the security tests (matrix and fuzzing) of one session."""

from collections.abc import Iterator

import pytest

from .host import ServiceHost

TEST_CAMERA = "sec-cam-1"


@pytest.fixture(scope="session")
def host(infra: dict[str, str]) -> Iterator[ServiceHost]:
    services = ServiceHost(infra["KAFKA_BOOTSTRAP"], infra["DATABASE_URL"])
    services.start()
    try:
        yield services
    finally:
        services.stop()
