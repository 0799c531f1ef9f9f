import pytest

from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeIngestRepository


@pytest.fixture
def repo() -> FakeIngestRepository:
    return FakeIngestRepository()


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()
