import inspect

import pytest

from anpr_ingest.adapters.health import CameraHealthRepository, PostgresCameraHealthRepository
from anpr_ingest.adapters.repository import IngestRepository, PostgresIngestRepository
from anpr_ingest.adapters.tokens import CameraTokenRepository, PostgresCameraTokenRepository

from .fakes import FakeCameraHealthRepository, FakeCameraTokenRepository, FakeIngestRepository

PORTS = [
    (IngestRepository, FakeIngestRepository, PostgresIngestRepository),
    (CameraTokenRepository, FakeCameraTokenRepository, PostgresCameraTokenRepository),
    (CameraHealthRepository, FakeCameraHealthRepository, PostgresCameraHealthRepository),
]


def methods(port: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(port, inspect.isfunction) if not name.startswith("_")}


@pytest.mark.parametrize(("port", "fake", "real"), PORTS, ids=lambda p: p.__name__)
def test_fake_and_postgres_adapter_have_every_method_of_the_port(port: type, fake: type, real: type) -> None:
    for implementation in (fake, real):
        assert methods(port) <= methods(implementation), implementation.__name__
        for name in methods(port):
            method = getattr(implementation, name)
            assert inspect.iscoroutinefunction(method), f"{implementation.__name__}.{name}"
            expected = inspect.signature(getattr(port, name)).parameters.keys()
            assert inspect.signature(method).parameters.keys() == expected, f"{implementation.__name__}.{name}"
