"""What judging a read remembers to cost less (issue 19): the plate's key and the decision counters.
Each must give what it replaces, whatever was asked before it."""

from datetime import datetime

from anpr_rules.domain.decision import Outcome
from anpr_rules.handlers import Judging, evaluate_read, keyed_plate
from anpr_rules.handlers.candidates import DECISIONS
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import CET, KEY, FakeRulesState, FakeVehicles, a_read, a_regime, a_vehicle, permit_index


def test_a_remembered_plate_key_is_the_key_of_that_plate_under_that_pseudonym_key() -> None:
    for plate in ("63HKHD", "57LFJB", "63HKHD"):
        for key in (KEY, "another-pseudonym-key", KEY):
            assert keyed_plate(plate, key) == vehicle_key(plate, key)
    assert keyed_plate("63HKHD", KEY) != keyed_plate("63HKHD", "another-pseudonym-key")


def _count(regime_id: str, outcome: Outcome) -> float:
    value = DECISIONS.labels(regime_id, outcome)._value.get()
    assert isinstance(value, float)
    return value


async def test_every_decision_is_counted_by_regime_and_outcome_also_after_the_first() -> None:
    regime = a_regime(id="mz-counted")
    state, publisher = FakeRulesState(), FakeEventPublisher()
    judging = Judging([regime], FakeVehicles([a_vehicle()]), permit_index(), state, publisher, KEY)
    at = datetime(2026, 2, 3, 9, 30, tzinfo=CET)
    before = _count("mz-counted", Outcome.CANDIDATE), _count("mz-counted", Outcome.DUPLICATE)

    for _ in range(3):  # the first is a candidate, the next two duplicates of it the same day
        await evaluate_read(a_read(observed_at=at), judging, at)

    after = _count("mz-counted", Outcome.CANDIDATE), _count("mz-counted", Outcome.DUPLICATE)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)
    assert sum(state.counts.values()) == 3
