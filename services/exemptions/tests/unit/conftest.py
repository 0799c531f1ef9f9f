import pytest

from anpr_exemptions.handlers import Ports
from anpr_runtime.publisher import FakeEventPublisher

from .builders import KEY, POLICY
from .fakes import FakeExemptionRepository


@pytest.fixture
def repo() -> FakeExemptionRepository:
    return FakeExemptionRepository()


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()


@pytest.fixture
def ports(repo: FakeExemptionRepository, publisher: FakeEventPublisher) -> Ports:
    return Ports(repo=repo, publisher=publisher, pseudonym_key=KEY, policy=POLICY)
