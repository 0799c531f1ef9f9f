import inspect
from datetime import date, datetime, timedelta, timezone

import pytest

from anpr_contracts import CandidateRaised, ExemptionChanged, PlateRecognized, ReadSource, RegimeMode
from anpr_rules.adapters.repository import RulesRepository
from anpr_rules.domain.decision import Outcome
from anpr_rules.domain.regime import Regime
from anpr_rules.handlers import evaluate_read, index_exemption
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeRulesRepository, a_regime, a_vehicle

KEY = "unit-pseudonym-key"
CET = timezone(timedelta(hours=1))
OBSERVED_AT = datetime(2026, 2, 3, 9, 37, 12, 345000, tzinfo=CET)
HOUR = datetime(2026, 2, 3, 9, 0, tzinfo=CET)

OLD_DIESEL = a_vehicle(plate="63HKHD")
PETROL = a_vehicle(plate="57LFJB", fuels=("Benzine",), registered_emission_class=4)


def a_read(plate: str = "63HKHD", **overrides: object) -> PlateRecognized:
    fields: dict[str, object] = {
        "source": ReadSource.CAMERA,
        "camera_id": "cam-1",
        "location_id": "loc-a",
        "observed_at": OBSERVED_AT,
        "plate": plate,
        "formatted": "63-HK-HD",
        "country": "NL",
        "confidence": 0.96,
        "correlation_id": "corr-7",
    }
    fields.update(overrides)
    return PlateRecognized.model_validate(fields)


def an_exemption(plate: str = "63HKHD", **overrides: object) -> ExemptionChanged:
    fields: dict[str, object] = {
        "exemption_id": "ex-1",
        "plate_key": vehicle_key(plate, KEY),
        "kind": "resident",
        "regimes": (),
        "valid_from": datetime(2026, 1, 1, tzinfo=CET),
    }
    fields.update(overrides)
    return ExemptionChanged.model_validate(fields)


@pytest.fixture
def registry() -> FakeRulesRepository:
    return FakeRulesRepository([OLD_DIESEL, PETROL])


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(RulesRepository, inspect.isfunction) if not name.startswith("_")}
    for name in port:
        fake_method = getattr(FakeRulesRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(RulesRepository, name)).parameters.keys()
        ), name


async def test_hit_publishes_one_candidate_keyed_by_pseudonym(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    read = a_read()
    regime = a_regime()

    [decision] = await evaluate_read(read, [regime], registry, publisher, KEY)

    assert decision.outcome is Outcome.HIT
    [(topic, key, event)] = publisher.published
    assert topic == "anpr.candidates.v1"
    assert key == vehicle_key("63HKHD", KEY)
    assert "63HKHD" not in key
    assert isinstance(event, CandidateRaised)
    assert event.candidate_key == f"mz-test:{read.read_id}"
    assert event.regime_id == "mz-test"
    assert event.regime_version == "7"
    assert event.mode is RegimeMode.ENFORCE
    assert event.fine_eur == 120
    assert event.legal_reference == "RVV 1990 art. 86t"
    assert event.read == read
    assert event.correlation_id == "corr-7"
    assert event.explanation == decision.explanation
    assert event.vehicle["europese_voertuigcategorie"] == "M1"
    assert event.vehicle["emissieklasse"] == 3
    assert registry.counts == {("mz-test", "loc-a", HOUR, "hit"): 1}


async def test_fine_is_per_category(registry: FakeRulesRepository, publisher: FakeEventPublisher) -> None:
    registry.vehicles["VAN123"] = a_vehicle(plate="VAN123", category="N1")
    regime = a_regime(fine_eur={"M1": 120, "N1": 150})

    await evaluate_read(a_read("VAN123"), [regime], registry, publisher, KEY)

    [(_, _, event)] = publisher.published
    assert isinstance(event, CandidateRaised)
    assert event.fine_eur == 150


async def test_hit_in_warn_mode_carries_no_fine(registry: FakeRulesRepository, publisher: FakeEventPublisher) -> None:
    warning = datetime(2025, 9, 1, 9, 30, tzinfo=CET)

    await evaluate_read(a_read(observed_at=warning), [a_regime()], registry, publisher, KEY)

    [(_, _, event)] = publisher.published
    assert isinstance(event, CandidateRaised)
    assert event.mode is RegimeMode.WARN
    assert event.fine_eur is None


async def test_no_hit_publishes_nothing_and_only_counts(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    [decision] = await evaluate_read(a_read("57LFJB"), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.NO_HIT
    assert publisher.published == []
    assert registry.counts == {("mz-test", "loc-a", HOUR, "no_hit"): 1}


async def test_counts_add_up_per_hour_and_outcome(registry: FakeRulesRepository, publisher: FakeEventPublisher) -> None:
    for plate in ("57LFJB", "57LFJB", "63HKHD", "UNKNWN"):
        await evaluate_read(a_read(plate), [a_regime()], registry, publisher, KEY)

    assert registry.counts == {
        ("mz-test", "loc-a", HOUR, "no_hit"): 2,
        ("mz-test", "loc-a", HOUR, "hit"): 1,
        ("mz-test", "loc-a", HOUR, "unknown_vehicle"): 1,
    }
    assert len(publisher.published) == 1


async def test_observe_mode_publishes_nothing(registry: FakeRulesRepository, publisher: FakeEventPublisher) -> None:
    observing = datetime(2025, 3, 1, 9, 30, tzinfo=CET)

    [decision] = await evaluate_read(a_read(observed_at=observing), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.OBSERVED
    assert publisher.published == []


async def test_foreign_read_is_not_looked_up_in_the_registry(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    # A German plate may spell the same characters as a Dutch one: the Dutch record is not its vehicle.
    [decision] = await evaluate_read(a_read(country="DE"), [a_regime()], registry, publisher, KEY)

    assert registry.looked_up == []
    assert decision.outcome is Outcome.UNKNOWN_VEHICLE
    assert publisher.published == []


async def test_read_of_unknown_country_is_looked_up(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    [decision] = await evaluate_read(a_read(country=None), [a_regime()], registry, publisher, KEY)

    assert registry.looked_up == ["63HKHD"]
    assert decision.outcome is Outcome.HIT


async def test_read_where_no_regime_is_in_force_does_nothing(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    elsewhere = await evaluate_read(a_read(location_id="loc-x"), [a_regime()], registry, publisher, KEY)
    before = await evaluate_read(
        a_read(observed_at=datetime(2024, 6, 1, tzinfo=CET)), [a_regime()], registry, publisher, KEY
    )

    assert elsewhere == before == []
    assert registry.looked_up == []
    assert registry.counts == {}
    assert publisher.published == []


async def test_every_regime_in_force_is_judged(registry: FakeRulesRepository, publisher: FakeEventPublisher) -> None:
    strict = a_regime(id="mz-strict", criteria={"fuels": ["Diesel"], "categories": ["M1"], "min_emission_class": 4})
    lenient = a_regime(id="mz-lenient", criteria={"fuels": ["Diesel"], "categories": ["M1"], "min_emission_class": 3})
    elsewhere = a_regime(id="mz-elsewhere", locations=["loc-x"])

    decisions = await evaluate_read(a_read(), [strict, lenient, elsewhere], registry, publisher, KEY)

    assert [(d.regime.id, d.outcome) for d in decisions] == [("mz-strict", "hit"), ("mz-lenient", "no_hit")]
    assert [event.regime_id for _, _, event in publisher.published if isinstance(event, CandidateRaised)] == [
        "mz-strict"
    ]
    assert registry.looked_up == ["63HKHD"]


async def test_indexed_exemption_makes_the_read_exempt(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    await index_exemption(an_exemption(), registry)

    [decision] = await evaluate_read(a_read(), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.EXEMPT
    assert publisher.published == []
    assert registry.counts == {("mz-test", "loc-a", HOUR, "exempt"): 1}


async def test_revoked_exemption_no_longer_applies(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    await index_exemption(an_exemption(), registry)
    await index_exemption(an_exemption(revoked=True), registry)

    [decision] = await evaluate_read(a_read(), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.HIT


async def test_exemption_for_another_regime_or_plate_does_not_apply(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    await index_exemption(an_exemption(exemption_id="ex-other-regime", regimes=("ze-zone",)), registry)
    await index_exemption(an_exemption("57LFJB", exemption_id="ex-other-plate"), registry)
    await index_exemption(
        an_exemption(exemption_id="ex-expired", valid_until=datetime(2026, 2, 1, tzinfo=CET)), registry
    )

    [decision] = await evaluate_read(a_read(), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.HIT


async def test_exemption_of_a_kind_the_regime_does_not_admit_does_not_apply(
    registry: FakeRulesRepository, publisher: FakeEventPublisher, milieuzone: Regime
) -> None:
    assert "day-permit" not in milieuzone.exemption_kinds
    await index_exemption(an_exemption(kind="day-permit", regimes=()), registry)
    read = a_read(location_id="loc-centrum-noord")

    [decision] = await evaluate_read(read, [milieuzone], registry, publisher, KEY)

    assert decision.outcome is Outcome.HIT


async def test_shipped_milieuzone_raises_a_candidate_for_an_old_diesel(
    registry: FakeRulesRepository, publisher: FakeEventPublisher, milieuzone: Regime
) -> None:
    read = a_read(location_id="loc-centrum-zuid")

    [decision] = await evaluate_read(read, [milieuzone], registry, publisher, KEY)

    assert decision.outcome is Outcome.HIT
    [(_, _, event)] = publisher.published
    assert isinstance(event, CandidateRaised)
    assert (event.regime_id, event.regime_version, event.fine_eur) == ("milieuzone-centrum", "2026.1", 120)


async def test_derived_class_from_the_registry_date(
    registry: FakeRulesRepository, publisher: FakeEventPublisher
) -> None:
    registry.vehicles["NEWISH"] = a_vehicle(
        plate="NEWISH", registered_emission_class=None, first_admission=date(2009, 9, 1), empty_mass_kg=1200
    )

    [decision] = await evaluate_read(a_read("NEWISH"), [a_regime()], registry, publisher, KEY)

    assert decision.outcome is Outcome.NO_HIT
