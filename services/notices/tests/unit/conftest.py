import pytest

from .fakes import FakeCandidateRepository


@pytest.fixture
def repo() -> FakeCandidateRepository:
    return FakeCandidateRepository()
