import inspect
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest

from anpr_contracts import CandidateRaised, PlateRecognized, RegimeMode
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.domain.decision import Outcome
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.regime import Regime
from anpr_rules.handlers import Judging, RulesState, decide, evaluate_read, recheck_due
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import CEST, CET, KEY, FakeRulesState, FakeVehicles, a_permit, a_read, a_regime, a_vehicle, permit_index

OBSERVED_AT = datetime(2026, 2, 3, 9, 37, 12, 345000, tzinfo=CET)
HOUR = datetime(2026, 2, 3, 9, 0, tzinfo=CET)

OLD_DIESEL = a_vehicle(plate="63HKHD")
PETROL = a_vehicle(plate="57LFJB", fuels=("Benzine",), registered_emission_class=4)


class RecordingPermits:
    """A `PermitLookup` that remembers the keys it was asked for."""

    def __init__(self, index: InMemoryPermitIndex | None = None) -> None:
        self.index = index or InMemoryPermitIndex()
        self.asked: list[str] = []

    def permits_of(self, plate_key: str) -> Sequence[Permit]:
        self.asked.append(plate_key)
        return self.index.permits_of(plate_key)


@pytest.fixture
def registry() -> FakeVehicles:
    return FakeVehicles([OLD_DIESEL, PETROL])


@pytest.fixture
def permits() -> RecordingPermits:
    return RecordingPermits()


async def run(
    read: PlateRecognized,
    regimes: list[Regime],
    registry: FakeVehicles,
    permits: RecordingPermits,
    state: FakeRulesState,
    publisher: FakeEventPublisher,
) -> list[Outcome]:
    decisions = await evaluate_read(read, Judging(regimes, registry, permits, state, publisher, KEY), OBSERVED_AT)
    return [d.outcome for d in decisions]


def published(publisher: FakeEventPublisher) -> list[CandidateRaised]:
    events = [event for _, _, event in publisher.published]
    assert all(isinstance(event, CandidateRaised) for event in events)
    return [event for event in events if isinstance(event, CandidateRaised)]


def test_fake_state_has_every_method_of_the_port_with_the_same_parameters() -> None:
    port = {name for name, _ in inspect.getmembers(RulesState, inspect.isfunction) if not name.startswith("_")}
    assert port == {
        "count",
        "mark_candidate",
        "record_entry",
        "record_exit",
        "schedule_recheck",
        "due_rechecks",
        "drop_recheck",
        "purge",
    }
    for name in port:
        fake_method = getattr(FakeRulesState, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(RulesState, name)).parameters.keys()
        ), name


async def test_candidate_publishes_one_event_keyed_by_pseudonym(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    read = a_read()

    assert await run(read, [a_regime()], registry, permits, state, publisher) == [Outcome.CANDIDATE]

    [(topic, key, event)] = publisher.published
    assert topic == "anpr.candidates.v1"
    assert key == vehicle_key("63HKHD", KEY)
    assert "63HKHD" not in key
    assert isinstance(event, CandidateRaised)
    assert event.candidate_key == f"mz-test:{read.read_id}"
    assert (event.regime_id, event.regime_version) == ("mz-test", "7")
    assert event.mode is RegimeMode.ENFORCE
    assert event.fine_eur == 120
    assert event.enforceable is True
    assert event.legal_reference == "RVV 1990 art. 86t"
    assert event.read == read
    assert event.correlation_id == "corr-7"
    assert event.exemptions_checked == ("resident", "disabled")
    assert event.vehicle["europese_voertuigcategorie"] == "M1"
    assert event.vehicle["emissieklasse"] == 3
    assert state.counts == {("mz-test", "loc-a", HOUR, "candidate"): 1}
    assert permits.asked == [key]


async def test_fine_is_per_category(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    registry.vehicles["VAN123"] = a_vehicle(plate="VAN123", category="N1")

    await run(a_read("VAN123"), [a_regime()], registry, permits, state, publisher)

    [event] = published(publisher)
    assert event.fine_eur == 150


async def test_candidate_in_warn_mode_carries_no_fine(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    warning = datetime(2025, 9, 1, 9, 30, tzinfo=CEST)

    await run(a_read(observed_at=warning), [a_regime()], registry, permits, state, publisher)

    [event] = published(publisher)
    assert event.mode is RegimeMode.WARN
    assert event.fine_eur is None


async def test_no_hit_publishes_nothing_and_only_counts(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    assert await run(a_read("57LFJB"), [a_regime()], registry, permits, state, publisher) == [Outcome.NO_HIT]

    assert publisher.published == []
    assert state.counts == {("mz-test", "loc-a", HOUR, "no_hit"): 1}
    assert state.marks == {}


async def test_counts_add_up_per_hour_and_outcome(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    for plate in ("57LFJB", "57LFJB", "63HKHD", "63HKHD", "UNKNWN"):
        await run(a_read(plate), [a_regime()], registry, permits, state, publisher)

    assert state.counts == {
        ("mz-test", "loc-a", HOUR, "no_hit"): 2,
        ("mz-test", "loc-a", HOUR, "candidate"): 1,
        ("mz-test", "loc-a", HOUR, "duplicate"): 1,
        ("mz-test", "loc-a", HOUR, "not_enforceable"): 1,
    }
    assert [e.enforceable for e in published(publisher)] == [True, False]


async def test_observe_mode_publishes_nothing(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    observing = datetime(2025, 3, 1, 9, 30, tzinfo=CET)

    outcomes = await run(a_read(observed_at=observing), [a_regime()], registry, permits, state, publisher)

    assert outcomes == [Outcome.OBSERVED]
    assert publisher.published == []
    assert state.marks == {}


async def test_foreign_read_is_not_judged_by_the_dutch_registry(
    registry: FakeVehicles, permits: RecordingPermits
) -> None:
    # A German plate may spell the same characters as a Dutch one: the Dutch record is not its vehicle.
    [decision] = decide(a_read(country="DE"), [a_regime()], registry, permits, vehicle_key("63HKHD", KEY))

    assert registry.looked_up == []
    assert decision.outcome is Outcome.NOT_ENFORCEABLE


async def test_foreign_candidate_carries_no_dutch_vehicle_facts(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    await run(a_read(country="DE"), [a_regime()], registry, permits, state, publisher)

    [event] = published(publisher)
    assert event.enforceable is False
    assert event.vehicle == {}


async def test_read_of_unknown_country_is_looked_up(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    outcomes = await run(a_read(country=None), [a_regime()], registry, permits, state, publisher)

    assert registry.looked_up[0] == "63HKHD"
    assert outcomes == [Outcome.CANDIDATE]


async def test_read_where_no_regime_is_in_force_does_nothing(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    elsewhere = await run(a_read(location_id="loc-x"), [a_regime()], registry, permits, state, publisher)
    before = await run(
        a_read(observed_at=datetime(2024, 6, 1, tzinfo=CEST)), [a_regime()], registry, permits, state, publisher
    )

    assert elsewhere == before == []
    assert registry.looked_up == []
    assert permits.asked == []
    assert state.counts == {}
    assert publisher.published == []


async def test_every_regime_in_force_is_judged_with_one_lookup(
    permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    def clause(klass: int) -> list[dict[str, object]]:
        scope = {"fuels_any": ["Diesel"], "categories": ["M1"]}
        return [{"starts": "2025-01-01T00:00:00+01:00", "scope": scope, "admitted": [{"min_emission_class": klass}]}]

    strict = a_regime(id="mz-strict", rule_sets=clause(4))
    lenient = a_regime(id="mz-lenient", rule_sets=clause(3))
    elsewhere = a_regime(id="mz-elsewhere", applies_at={"locations": ["loc-x"]})
    registry = FakeVehicles([OLD_DIESEL])

    decisions = await evaluate_read(
        a_read(), Judging([strict, lenient, elsewhere], registry, permits, state, publisher, KEY), OBSERVED_AT
    )

    assert [(d.regime.id, d.outcome) for d in decisions] == [
        ("mz-strict", Outcome.CANDIDATE),
        ("mz-lenient", Outcome.NO_HIT),
    ]
    assert [event.regime_id for event in published(publisher)] == ["mz-strict"]
    assert len(permits.asked) == 1


async def test_valid_permit_makes_the_read_exempt(
    registry: FakeVehicles, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    permits = RecordingPermits(permit_index(a_permit()))

    assert await run(a_read(), [a_regime()], registry, permits, state, publisher) == [Outcome.EXEMPT]

    assert publisher.published == []
    assert state.counts == {("mz-test", "loc-a", HOUR, "exempt"): 1}


async def test_revoked_permit_no_longer_applies(
    registry: FakeVehicles, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    permits = RecordingPermits(permit_index(a_permit(), a_permit(revoked=True)))

    assert await run(a_read(), [a_regime()], registry, permits, state, publisher) == [Outcome.CANDIDATE]


async def test_permit_for_another_regime_plate_or_time_does_not_apply(
    registry: FakeVehicles, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    permits = RecordingPermits(
        permit_index(
            a_permit(exemption_id="ex-other-regime", regimes=("ze-zone",)),
            a_permit("57LFJB", exemption_id="ex-other-plate"),
            a_permit(exemption_id="ex-expired", valid_until=datetime(2026, 2, 1, tzinfo=CET)),
        )
    )

    assert await run(a_read(), [a_regime()], registry, permits, state, publisher) == [Outcome.CANDIDATE]


async def test_permit_of_a_kind_the_shipped_milieuzone_does_not_admit_does_not_apply(
    registry: FakeVehicles, state: FakeRulesState, publisher: FakeEventPublisher, milieuzone: Regime
) -> None:
    assert "day-permit" not in milieuzone.exemption_kinds
    permits = RecordingPermits(permit_index(a_permit(kind="day-permit")))
    read = a_read(location_id="loc-centrum-noord")

    assert await run(read, [milieuzone], registry, permits, state, publisher) == [Outcome.CANDIDATE]


async def test_shipped_milieuzone_raises_a_candidate_for_an_old_diesel(
    registry: FakeVehicles,
    permits: RecordingPermits,
    state: FakeRulesState,
    publisher: FakeEventPublisher,
    milieuzone: Regime,
) -> None:
    await run(a_read(location_id="loc-centrum-zuid"), [milieuzone], registry, permits, state, publisher)

    [event] = published(publisher)
    assert (event.regime_id, event.regime_version, event.fine_eur) == ("milieuzone-centrum", "2026.2", 120)


async def test_derived_class_from_the_registry_date(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    registry.vehicles["NEWISH"] = a_vehicle(
        plate="NEWISH", registered_emission_class=None, first_admission=date(2009, 9, 1), empty_mass_kg=1200
    )

    assert await run(a_read("NEWISH"), [a_regime()], registry, permits, state, publisher) == [Outcome.NO_HIT]


async def test_recheck_of_a_withdrawn_regime_is_dropped_without_a_candidate(
    registry: FakeVehicles, permits: RecordingPermits, state: FakeRulesState, publisher: FakeEventPublisher
) -> None:
    await state.schedule_recheck(a_read(), "parking-gone", OBSERVED_AT)

    handled = await recheck_due(OBSERVED_AT, Judging([a_regime()], registry, permits, state, publisher, KEY))

    assert handled == 1
    assert state.rechecks == {}
    assert publisher.published == []


# FakeRulesState behaves like the PostgreSQL adapter


async def test_fake_state_marks_a_candidate_once_per_period(state: FakeRulesState) -> None:
    assert await state.mark_candidate("k", "mz", "2026-02-03", OBSERVED_AT) is True
    assert await state.mark_candidate("k", "mz", "2026-02-03", OBSERVED_AT) is False
    assert await state.mark_candidate("k", "mz", "2026-02-04", OBSERVED_AT) is True
    assert await state.mark_candidate("k", "ze", "2026-02-03", OBSERVED_AT) is True


async def test_fake_state_adds_up_stays_and_ignores_an_exit_without_entry(state: FakeRulesState) -> None:
    minute = timedelta(minutes=1)
    day = "2026-02-03"
    assert await state.record_exit("k", "aw", OBSERVED_AT) == (timedelta(0), "")
    await state.record_entry("k", "aw", day, OBSERVED_AT)
    assert await state.record_exit("k", "aw", OBSERVED_AT + 20 * minute) == (20 * minute, day)
    assert await state.record_exit("k", "aw", OBSERVED_AT + 50 * minute) == (timedelta(0), "")  # no open entry
    await state.record_entry("k", "aw", day, OBSERVED_AT + 60 * minute)
    assert await state.record_exit("k", "aw", OBSERVED_AT + 75 * minute) == (35 * minute, day)


async def test_fake_state_hands_out_due_rechecks_in_order_and_purges_old_state(state: FakeRulesState) -> None:
    late, early = a_read(plate="LATE1"), a_read(plate="EARLY1")
    await state.schedule_recheck(late, "pk", OBSERVED_AT + timedelta(minutes=2))
    await state.schedule_recheck(early, "pk", OBSERVED_AT + timedelta(minutes=1))
    await state.schedule_recheck(a_read(plate="NOTYET"), "pk", OBSERVED_AT + timedelta(minutes=9))

    due = await state.due_rechecks(OBSERVED_AT + timedelta(minutes=5), 10)
    assert [read.plate for _, _, read in due] == ["EARLY1", "LATE1"]
    assert [read.plate for _, _, read in await state.due_rechecks(OBSERVED_AT + timedelta(minutes=5), 1)] == ["EARLY1"]

    await state.mark_candidate("k", "mz", "old", OBSERVED_AT - timedelta(days=50))
    await state.mark_candidate("k", "mz", "new", OBSERVED_AT)
    await state.record_entry("k", "aw", "old", OBSERVED_AT - timedelta(days=3))
    await state.purge(OBSERVED_AT - timedelta(days=2), OBSERVED_AT - timedelta(days=40))
    assert list(state.marks) == [("k", "mz", "new")]
    assert state.stays == {}
