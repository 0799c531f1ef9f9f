"""The permit counter's use cases over fakes of the same ports: what is stored, published and mailed."""

from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_contracts import APPLICATIONS, EXEMPTIONS, ApplicationChanged
from anpr_exemptions.adapters.registry import RegistryUnavailable
from anpr_exemptions.domain.applications import ApplicationKind, InvalidStep, Status, StepAction
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.counter import CounterPolicy
from anpr_exemptions.domain.errors import InvalidExemption, QuotaExceeded
from anpr_exemptions.domain.vehicle_checks import VehicleFacts
from anpr_exemptions.handlers import Ports
from anpr_exemptions.handlers import applications as use
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_runtime import NotFound
from anpr_runtime.publisher import FakeEventPublisher

from .builders import KEY, POLICY
from .counter_fakes import FakeApplications, FakeOutbox, FakeRegistry
from .fakes import FakeExemptionRepository, FakeReadLog

NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
TOMORROW = date(2026, 5, 5)
RESIDENT = Actor("bsn:999990019", "Mila Hendriks")
DESK = Actor("desk-1", "Sanne Jansen")
HOUR = timedelta(hours=1)
VAN = VehicleFacts("VX123B", "Bedrijfsauto", "N1", date(2012, 1, 1), ("Diesel",), 4)
CAR = VehicleFacts("KL123M", "Personenauto", "M1", date(2015, 1, 1), ("Benzine",), 6)


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry(VAN, CAR)


@pytest.fixture
def counter(repo: FakeExemptionRepository, publisher: FakeEventPublisher, registry: FakeRegistry) -> CounterPorts:
    return CounterPorts(
        permits=Ports(repo=repo, publisher=publisher, pseudonym_key=KEY, policy=POLICY),
        applications=FakeApplications(),
        outbox=FakeOutbox(),
        registry=registry,
        counter=CounterPolicy(),
        counter_url="https://gemeente.example/loket",
        reads=FakeReadLog(),
    )


def day_permit(day: date = TOMORROW, plate: str = "VX-123-B") -> use.NewApplication:
    return use.NewApplication(ApplicationKind.DAY_PERMIT, plate, "NL", "x@anpr.invalid", day)


def disabled(plate: str = "KL-123-M") -> use.NewApplication:
    return use.NewApplication(ApplicationKind.DISABLED, plate, "NL", "x@anpr.invalid", details="Parkeerkaart")


def applications_of(counter: CounterPorts) -> FakeApplications:
    assert isinstance(counter.applications, FakeApplications)
    return counter.applications


def mails_of(counter: CounterPorts) -> FakeOutbox:
    assert isinstance(counter.outbox, FakeOutbox)
    return counter.outbox


async def test_a_day_permit_is_granted_at_once_published_and_mailed(
    counter: CounterPorts, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    made = await use.apply(day_permit(), RESIDENT, NOW, counter)

    assert made.status is Status.GRANTED
    permit = repo.exemptions[made.exemption_id or ""]
    assert (permit.day, permit.zones, permit.reference) == (TOMORROW, ("centrum",), made.number)
    assert repo.locks == [("VX123B", POLICY.municipality, 2026)], "the quota's lock, as for the desk"
    assert [a.actor for a in repo.audit] == ["permit-counter"]
    topics = [topic for topic, _, _ in publisher.published]
    assert topics == [APPLICATIONS.name, EXEMPTIONS.name, APPLICATIONS.name]
    events = [e for t, _, e in publisher.published if t == APPLICATIONS.name]
    assert all(isinstance(e, ApplicationChanged) for e in events)
    assert [m.subject.rsplit(": ", 1)[1] for m in mails_of(counter).mails] == ["ingediend", "verleend"]


async def test_the_thirteenth_day_permit_is_refused(counter: CounterPorts) -> None:
    for n in range(12):
        await use.apply(day_permit(TOMORROW + timedelta(days=n)), RESIDENT, NOW, counter)

    with pytest.raises(QuotaExceeded, match="12 of the 12"):
        await use.apply(day_permit(TOMORROW + timedelta(days=20)), RESIDENT, NOW, counter)


async def test_a_vehicle_that_needs_no_day_permit_is_refused_before_anything_is_stored(counter: CounterPorts) -> None:
    with pytest.raises(InvalidExemption, match="vans and trucks only"):
        await use.apply(day_permit(plate="KL-123-M"), RESIDENT, NOW, counter)

    assert applications_of(counter).applications == {}
    assert mails_of(counter).mails == []


async def test_without_the_registry_nothing_is_stored(counter: CounterPorts, registry: FakeRegistry) -> None:
    registry.up = False

    with pytest.raises(RegistryUnavailable):
        await use.apply(disabled(), RESIDENT, NOW, counter)

    assert applications_of(counter).applications == {}


async def test_the_desk_grants_with_a_scope_after_asking(counter: CounterPorts, repo: FakeExemptionRepository) -> None:
    made = await use.apply(disabled(), RESIDENT, NOW, counter)
    scope = use.Scope(NOW, NOW + timedelta(days=365), ("voetgangersgebied",), ())

    asked = await use.advance(made.application_id, Status.NEEDS_INFORMATION, DESK, NOW, counter, "Kopie kaart?")
    with pytest.raises(InvalidStep):
        await use.decide_grant(made.application_id, scope, DESK, NOW, counter)
    await use.advance(made.application_id, Status.SUBMITTED, RESIDENT, NOW, counter, "Bijgevoegd", RESIDENT.subject)
    granted = await use.decide_grant(made.application_id, scope, DESK, NOW, counter)

    assert asked.reason == "Kopie kaart?"
    assert granted.status is Status.GRANTED
    assert repo.exemptions[granted.exemption_id or ""].regimes == ("voetgangersgebied",)
    steps = await applications_of(counter).steps(made.application_id)
    assert [(s.actor, s.to_status) for s in steps] == [
        ("bsn:999990019", Status.SUBMITTED),
        ("desk-1", Status.NEEDS_INFORMATION),
        ("bsn:999990019", Status.SUBMITTED),
        ("desk-1", Status.GRANTED),
    ]


async def test_another_applicant_cannot_withdraw_or_attach(counter: CounterPorts) -> None:
    made = await use.apply(disabled(), RESIDENT, NOW, counter)

    with pytest.raises(NotFound):
        await use.advance(made.application_id, Status.WITHDRAWN, RESIDENT, NOW, counter, applicant="kvk:90000001")
    with pytest.raises(NotFound):
        await use.attach(made.application_id, "kvk:90000001", b"%PDF-1.4", NOW, counter)


async def test_documents_are_limited_in_number(counter: CounterPorts) -> None:
    made = await use.apply(disabled(), RESIDENT, NOW, counter)
    for _ in range(5):
        await use.attach(made.application_id, RESIDENT.subject, b"%PDF-1.4 x", NOW, counter)

    with pytest.raises(InvalidExemption, match="at most 5 documents"):
        await use.attach(made.application_id, RESIDENT.subject, b"%PDF-1.4 x", NOW, counter)


async def test_the_hourly_limit_counts_the_applicants_own_applications(counter: CounterPorts) -> None:
    limited = CounterPorts(**{**counter.__dict__, "counter": CounterPolicy(applications_per_hour=1)})
    await use.apply(disabled(), RESIDENT, NOW, limited)

    with pytest.raises(use.TooManyApplications):
        await use.apply(day_permit(), RESIDENT, NOW + timedelta(minutes=30), limited)
    await use.apply(day_permit(), Actor("kvk:90000001", "Bakkerij"), NOW, limited)  # someone else's hour
    await use.apply(day_permit(TOMORROW + timedelta(days=1)), RESIDENT, NOW + timedelta(minutes=61), limited)


async def test_paid_is_marked_once_as_a_step_with_who_marked_it(counter: CounterPorts) -> None:
    made = await use.apply(disabled(), RESIDENT, NOW, counter)

    first = await use.mark_paid(made.application_id, DESK, NOW, counter)
    again = await use.mark_paid(made.application_id, Actor("svc:payments", "betaalprovider"), NOW + HOUR, counter)

    assert first.paid_at == again.paid_at == NOW
    steps = await counter.applications.steps(made.application_id)
    assert [(s.action, s.actor, s.actor_name, s.from_status, s.to_status, s.at) for s in steps] == [
        (StepAction.STATUS, RESIDENT.subject, RESIDENT.name, None, Status.SUBMITTED, NOW),
        (StepAction.PAID, DESK.subject, DESK.name, Status.SUBMITTED, Status.SUBMITTED, NOW),
    ], "paid once, by the desk member; the provider's second callback adds nothing"
