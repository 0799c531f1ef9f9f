"""Phased modes at their switch moments: the mode is chosen by when the read was OBSERVED, never by when it
is processed, so a backlog judged after a switch keeps the mode it was seen under (never retroactive)."""

from datetime import UTC, datetime, timedelta

import pytest

from anpr_contracts import CandidateRaised, PlateRecognized, ReevaluateRead, RegimeMode
from anpr_rules.domain.decision import Outcome
from anpr_rules.handlers import Judging, evaluate_read, reevaluate_read
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import CEST, CET, KEY, FakeRulesState, FakeVehicles, a_read, a_regime, a_vehicle, permit_index

TO_WARN = datetime(2025, 7, 1, 0, 0, tzinfo=CEST)  # the switches of a_regime(): observe -> warn -> enforce
TO_ENFORCE = datetime(2026, 1, 1, 0, 0, tzinfo=CET)
JUST = timedelta(microseconds=1)
MUCH_LATER = timedelta(days=40)  # processed long after the switch: a backlog, a replay, a slow consumer
OLD_DIESEL = a_vehicle(plate="63HKHD")


async def judged(read: PlateRecognized, now: datetime) -> tuple[Outcome, FakeRulesState, FakeEventPublisher]:
    state, publisher = FakeRulesState(), FakeEventPublisher()
    judging = Judging([a_regime()], FakeVehicles([OLD_DIESEL]), permit_index(), state, publisher, KEY)
    [decision] = await evaluate_read(read, judging, now)
    return decision.outcome, state, publisher


def the_candidate(publisher: FakeEventPublisher) -> CandidateRaised:
    [(_, _, event)] = publisher.published
    assert isinstance(event, CandidateRaised)
    return event


@pytest.mark.parametrize("processed_after", [timedelta(0), MUCH_LATER])
async def test_a_read_seen_just_before_the_warn_switch_is_only_observed(processed_after: timedelta) -> None:
    seen = TO_WARN - JUST

    outcome, state, publisher = await judged(a_read(observed_at=seen), now=TO_WARN + processed_after)

    assert outcome is Outcome.OBSERVED
    assert publisher.published == []  # no candidate, so no plate leaves rules
    assert state.marks == {}  # and no per-vehicle mark either: only the hourly count
    assert state.counts == {("mz-test", "loc-a", seen.replace(minute=0, second=0, microsecond=0), "observed"): 1}


async def test_a_read_seen_at_the_warn_switch_is_a_warning_candidate_even_when_processed_before_it() -> None:
    outcome, state, publisher = await judged(a_read(observed_at=TO_WARN), now=TO_WARN - timedelta(hours=1))

    assert outcome is Outcome.CANDIDATE
    candidate = the_candidate(publisher)
    assert candidate.mode is RegimeMode.WARN
    assert candidate.fine_eur is None  # a warning letter, not a notice
    assert len(state.marks) == 1  # one warning per vehicle per day from now on


@pytest.mark.parametrize("processed_after", [timedelta(0), MUCH_LATER])
async def test_the_last_read_before_enforcement_stays_a_warning(processed_after: timedelta) -> None:
    outcome, _, publisher = await judged(a_read(observed_at=TO_ENFORCE - JUST), now=TO_ENFORCE + processed_after)

    assert outcome is Outcome.CANDIDATE
    candidate = the_candidate(publisher)
    assert candidate.mode is RegimeMode.WARN
    assert candidate.fine_eur is None


async def test_the_first_read_of_enforcement_is_a_notice_with_its_fine() -> None:
    outcome, _, publisher = await judged(a_read(observed_at=TO_ENFORCE), now=TO_ENFORCE)

    assert outcome is Outcome.CANDIDATE
    candidate = the_candidate(publisher)
    assert candidate.mode is RegimeMode.ENFORCE
    assert candidate.fine_eur == 120


async def test_the_switch_moment_is_one_instant_in_every_time_zone() -> None:
    # 2026-01-01 00:00 CET is 2025-12-31 23:00 UTC: a UTC clock reading 23:00 is already enforcing.
    in_utc = TO_ENFORCE.astimezone(UTC)
    assert in_utc.hour == 23
    _, _, before = await judged(a_read(observed_at=(TO_ENFORCE - JUST).astimezone(UTC)), now=TO_ENFORCE)
    _, _, at = await judged(a_read(observed_at=in_utc), now=TO_ENFORCE)

    assert the_candidate(before).mode is RegimeMode.WARN
    assert the_candidate(at).mode is RegimeMode.ENFORCE


async def test_a_reviewers_correction_after_the_switch_keeps_the_mode_the_read_was_seen_under() -> None:
    seen = TO_ENFORCE - timedelta(hours=2)
    command = ReevaluateRead(
        read=a_read(observed_at=seen), candidate_key="mz-test:misread", regime_id="mz-test", requested_by="boa-1"
    )
    publisher = FakeEventPublisher()

    judging = Judging([a_regime()], FakeVehicles([OLD_DIESEL]), permit_index(), FakeRulesState(), publisher, KEY)
    await reevaluate_read(command, judging, now=TO_ENFORCE + MUCH_LATER)

    candidate = next(event for _, _, event in publisher.published if isinstance(event, CandidateRaised))
    assert candidate.mode is RegimeMode.WARN
    assert candidate.fine_eur is None


async def test_reads_of_one_hour_either_side_of_a_switch_are_counted_apart_by_outcome() -> None:
    state, publisher = FakeRulesState(), FakeEventPublisher()
    registry = FakeVehicles([OLD_DIESEL, a_vehicle(plate="11AAA1")])
    # Processed in the wrong order: the one seen after the switch first.
    for plate, seen in (("11AAA1", TO_WARN + timedelta(minutes=5)), ("63HKHD", TO_WARN - timedelta(minutes=5))):
        judging = Judging([a_regime()], registry, permit_index(), state, publisher, KEY)
        await evaluate_read(a_read(plate, observed_at=seen), judging, TO_WARN)

    assert state.counts == {
        ("mz-test", "loc-a", TO_WARN, "candidate"): 1,
        ("mz-test", "loc-a", TO_WARN - timedelta(hours=1), "observed"): 1,
    }
    assert [
        the_event.read.plate for _, _, the_event in publisher.published if isinstance(the_event, CandidateRaised)
    ] == ["11AAA1"]
