import pytest

from .fakes import FakeProducer

SHARED_VARIABLES = ("ANPR_ENV", "ANPR_ADMIN_TOKEN", "ANPR_TOKENS", "ANPR_PSEUDONYM_KEY", "ANPR_TOPIC_PREFIX")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment: a developer's exported variables must not change these tests."""
    for name in SHARED_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def producer() -> FakeProducer:
    return FakeProducer()
