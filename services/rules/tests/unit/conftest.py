import pytest

from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.domain.regime import Regime
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import REGIME_DIR, FakeRulesRepository


@pytest.fixture
def repo() -> FakeRulesRepository:
    return FakeRulesRepository()


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()


@pytest.fixture(scope="session")
def milieuzone() -> Regime:
    [regime] = [r for r in load_regimes(REGIME_DIR) if r.id == "milieuzone-centrum"]
    return regime
