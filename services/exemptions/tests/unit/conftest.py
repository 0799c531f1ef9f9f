import pytest

from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeExemptionRepository


@pytest.fixture
def repo() -> FakeExemptionRepository:
    return FakeExemptionRepository()


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()
