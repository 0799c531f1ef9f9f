"""A reviewer's plate correction, judged again: the corrected read replaces the candidate, or closes it."""

from datetime import datetime, timedelta

from anpr_contracts import CandidateRaised, ReadReevaluated, ReevaluateRead
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.handlers import Judging, reevaluate_read
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import KEY, FakeRulesState, FakeVehicles, a_permit, a_read, a_regime, a_vehicle, permit_index
from .test_handlers import OBSERVED_AT, OLD_DIESEL, PETROL

MISREAD_KEY = "mz-test:00000000-0000-4000-8000-00000000000a"


def a_correction(plate: str, regime_id: str = "mz-test") -> ReevaluateRead:
    read = a_read(plate)
    return ReevaluateRead(read=read, candidate_key=MISREAD_KEY, regime_id=regime_id, requested_by="reviewer-2")


async def judge_again(
    command: ReevaluateRead,
    regimes: list[Regime],
    vehicles: list[Vehicle],
    permits: InMemoryPermitIndex | None = None,
    state: FakeRulesState | None = None,
    publisher: FakeEventPublisher | None = None,
    now: datetime = OBSERVED_AT,
) -> dict[str, str]:
    judging = Judging(
        regimes,
        FakeVehicles(vehicles),
        permits or permit_index(),
        state or FakeRulesState(),
        publisher or FakeEventPublisher(),
        KEY,
    )
    return await reevaluate_read(command, judging, now)


async def test_corrected_plate_that_violates_replaces_the_candidate_and_answers() -> None:
    state, publisher = FakeRulesState(), FakeEventPublisher()
    command = a_correction("63HKHD")
    other_regime = a_regime(id="mz-other")

    outcomes = await judge_again(command, [a_regime(), other_regime], [OLD_DIESEL], state=state, publisher=publisher)

    assert outcomes == {"mz-test": "candidate"}  # only the corrected candidate's regime
    [(topic, key, candidate), (answer_topic, answer_key, answer)] = publisher.published
    assert isinstance(candidate, CandidateRaised)
    assert candidate.candidate_key == f"{MISREAD_KEY}:corrected"
    assert candidate.replaces == MISREAD_KEY
    assert candidate.read.plate == "63HKHD"
    assert isinstance(answer, ReadReevaluated)
    assert answer.candidate_key == MISREAD_KEY
    assert answer.outcomes == {"mz-test": "candidate"}
    # Same partition, candidate first: notices sees the replacement before the answer.
    assert topic == answer_topic == "anpr.candidates.v1"
    assert key == answer_key == vehicle_key("63HKHD", KEY)
    assert "63HKHD" not in answer.model_dump_json()
    assert state.counts == {}  # the read was counted when it was first judged


async def test_corrected_plate_without_violation_only_answers() -> None:
    state, publisher = FakeRulesState(), FakeEventPublisher()

    outcomes = await judge_again(a_correction("57LFJB"), [a_regime()], [PETROL], state=state, publisher=publisher)

    assert outcomes == {"mz-test": "no_hit"}
    [(_, _, answer)] = publisher.published
    assert isinstance(answer, ReadReevaluated)
    assert answer.outcomes == {"mz-test": "no_hit"}


async def test_correction_to_a_vehicle_with_a_permit_is_exempt() -> None:
    publisher = FakeEventPublisher()

    permits = permit_index(a_permit("63HKHD"))
    outcomes = await judge_again(a_correction("63HKHD"), [a_regime()], [OLD_DIESEL], permits, publisher=publisher)

    assert outcomes == {"mz-test": "exempt"}
    assert [type(event) for _, _, event in publisher.published] == [ReadReevaluated]


async def test_regime_withdrawn_meanwhile_answers_with_no_outcome() -> None:
    publisher = FakeEventPublisher()

    outcomes = await judge_again(a_correction("63HKHD", "gone"), [a_regime()], [OLD_DIESEL], publisher=publisher)

    assert outcomes == {}
    [(_, _, answer)] = publisher.published
    assert isinstance(answer, ReadReevaluated)
    assert answer.outcomes == {}


async def test_corrected_parking_read_is_judged_at_once_with_rights_bought_in_the_grace_period() -> None:
    every_vehicle = [{"starts": "2025-01-01T00:00:00+01:00", "scope": {}, "admitted": []}]
    parking = a_regime(kind="parking", recheck_after="PT5M", automatic_exemptions=[], rule_sets=every_vehicle)
    bought = a_permit("63HKHD", kind="resident", valid_from=OBSERVED_AT + timedelta(minutes=3))
    state = FakeRulesState()

    later = OBSERVED_AT + timedelta(hours=2)

    late = await judge_again(a_correction("63HKHD"), [parking], [OLD_DIESEL], permit_index(bought), state, now=later)
    none = await judge_again(a_correction("63HKHD"), [parking], [OLD_DIESEL], None, state, now=later)

    assert late == {"mz-test": "exempt"}
    assert none == {"mz-test": "candidate"}  # no recheck scheduled: the grace period is long over
    assert state.rechecks == {}


async def test_redelivered_correction_is_a_duplicate_with_the_same_key() -> None:
    state, publisher = FakeRulesState(), FakeEventPublisher()
    command = a_correction("63HKHD")

    await judge_again(command, [a_regime()], [a_vehicle()], state=state, publisher=publisher)
    again = await judge_again(command, [a_regime()], [a_vehicle()], state=state, publisher=publisher)

    assert again == {"mz-test": "duplicate"}
    candidates = [e for _, _, e in publisher.published if isinstance(e, CandidateRaised)]
    assert [c.candidate_key for c in candidates] == [f"{MISREAD_KEY}:corrected"]
