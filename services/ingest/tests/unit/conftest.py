import pytest

from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeCameraHealthRepository, FakeCameraTokenRepository, FakeIngestRepository
from .scenario import set_up


@pytest.fixture
def repo() -> FakeIngestRepository:
    return FakeIngestRepository()


@pytest.fixture
async def placed(repo: FakeIngestRepository) -> FakeIngestRepository:
    return await set_up(repo)


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()


@pytest.fixture
def health() -> FakeCameraHealthRepository:
    return FakeCameraHealthRepository()


@pytest.fixture
def tokens() -> FakeCameraTokenRepository:
    return FakeCameraTokenRepository()
