import pytest

from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.domain.regime import Regime
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import REGIME_DIR, FakeRulesState


@pytest.fixture
def state() -> FakeRulesState:
    return FakeRulesState()


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()


@pytest.fixture(scope="session")
def shipped() -> dict[str, Regime]:
    """The regimes of deploy/regimes by id."""
    return {r.id: r for r in load_regimes(REGIME_DIR)}


@pytest.fixture(scope="session")
def milieuzone(shipped: dict[str, Regime]) -> Regime:
    return shipped["milieuzone-centrum"]
