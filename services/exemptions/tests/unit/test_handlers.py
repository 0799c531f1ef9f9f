import inspect
from datetime import UTC, date, datetime, time, timedelta

import pytest

from anpr_contracts import ExemptionChanged
from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.search import Search
from anpr_exemptions.handlers import Ports, audit_trail, check, get, grant, revoke, search, update
from anpr_runtime import Conflict, NotFound
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .builders import FROM, KEY, POLICY, a_day_permit, an_exemption
from .fakes import FakeExemptionRepository

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
OP = Actor("op", "op name")


def published(publisher: FakeEventPublisher) -> list[ExemptionChanged]:
    events = [event for _, _, event in publisher.published]
    assert all(isinstance(e, ExemptionChanged) for e in events)
    return events  # type: ignore[return-value]


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(ExemptionRepository, inspect.isfunction) if not name.startswith("_")}
    assert port, "the port has methods"
    for name in port:
        fake_method = getattr(FakeExemptionRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(ExemptionRepository, name)).parameters.keys()
        ), name


async def test_grant_stores_audits_and_publishes_a_pseudonymous_change(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    exemption = an_exemption(zones=("binnenstad",), daily_from=time(22), daily_until=time(2))

    await grant(exemption, Actor("operator-3", "operator-3 name"), NOW, ports)

    assert await repo.get("ex-1") == exemption
    [entry] = repo.audit
    assert (entry.at, entry.actor, entry.action, entry.exemption_id) == (NOW, "operator-3", "grant", "ex-1")
    assert entry.actor_name == "operator-3 name"  # the display name beside the stable subject
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["plate"] == "63HKHD"
    assert entry.after["daily_from"] == "22:00:00"
    [(topic, key, _)] = publisher.published
    [event] = published(publisher)
    assert topic == "anpr.exemptions.v1"
    assert key == "ex-1"  # compacted by exemption id
    assert event.plate_key == vehicle_key("63HKHD", KEY)
    assert "63HKHD" not in event.model_dump_json()
    assert event.kind == "resident"
    assert event.regimes == ("milieuzone-centrum",)
    assert event.zones == ("binnenstad",)
    assert (event.daily_from, event.daily_until) == (time(22), time(2))
    assert (event.valid_from, event.valid_until) == (exemption.valid_from, exemption.valid_until)
    assert event.revoked is False


async def test_plate_key_depends_on_the_secret_key(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption("ex-1"), OP, NOW, Ports(repo, publisher, KEY, POLICY))
    await grant(an_exemption("ex-2"), OP, NOW, Ports(repo, publisher, "another-key", POLICY))

    first, second = published(publisher)
    assert first.plate_key != second.plate_key


async def test_duplicate_grant_is_a_conflict_and_publishes_nothing_more(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), OP, NOW, ports)

    with pytest.raises(Conflict, match="ex-1"):
        await grant(an_exemption(plate="99ZZZ9"), OP, NOW, ports)

    assert len(publisher.published) == 1
    assert len(repo.audit) == 1
    assert (await get("ex-1", repo)).plate == "63HKHD"


async def test_a_day_permit_is_published_with_its_computed_validity(
    ports: Ports, publisher: FakeEventPublisher
) -> None:
    permit = a_day_permit(date(2026, 6, 3))
    await grant(permit, OP, NOW, ports)
    [event] = published(publisher)
    assert event.kind == "day-permit"
    assert event.valid_from == datetime(2026, 6, 2, 22, tzinfo=UTC)
    assert event.valid_until == datetime(2026, 6, 4, 4, tzinfo=UTC)


async def test_update_stores_audits_before_and_after_and_publishes_the_new_state(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), Actor("operator-3", "operator-3 name"), NOW, ports)
    later = NOW + timedelta(hours=1)
    new_end = datetime(2026, 9, 1, tzinfo=UTC)

    updated = await update(
        "ex-1", {"valid_until": new_end, "zones": ("binnenstad",)}, Actor("operator-4", "operator-4 name"), later, ports
    )

    assert updated.valid_until == new_end
    assert await repo.get("ex-1") == updated
    entry = repo.audit[-1]
    assert (entry.actor, entry.action, entry.at) == ("operator-4", "update", later)
    assert entry.changed() == ["valid_until", "zones"]
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["valid_until"] == "2027-01-01T00:00:00+00:00"
    assert entry.after["valid_until"] == "2026-09-01T00:00:00+00:00"
    (_, key, _) = publisher.published[-1]
    event = published(publisher)[-1]
    assert key == "ex-1"
    assert event.valid_until == new_end
    assert event.zones == ("binnenstad",)


async def test_update_that_changes_nothing_publishes_nothing(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), OP, NOW, ports)
    await update("ex-1", {"reference": "VERG-2026-0001"}, OP, NOW, ports)
    assert len(publisher.published) == len(repo.audit) == 1


async def test_invalid_update_changes_nothing(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), OP, NOW, ports)
    with pytest.raises(InvalidExemption, match="must be after valid_from"):
        await update("ex-1", {"valid_until": FROM}, OP, NOW, ports)
    assert await repo.get("ex-1") == an_exemption()
    assert len(publisher.published) == 1


async def test_update_of_unknown_or_revoked_permits_is_refused(ports: Ports) -> None:
    with pytest.raises(NotFound, match="ex-ghost"):
        await update("ex-ghost", {"reference": "x"}, OP, NOW, ports)
    await grant(an_exemption(), OP, NOW, ports)
    await revoke("ex-1", OP, NOW, ports)
    with pytest.raises(Conflict, match="revoked"):
        await update("ex-1", {"reference": "x"}, OP, NOW, ports)


async def test_revoke_publishes_revoked_and_audits(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), Actor("operator-3", "operator-3 name"), NOW, ports)
    later = NOW + timedelta(hours=2)

    revoked = await revoke("ex-1", Actor("operator-4", "operator-4 name"), later, ports)

    assert revoked.revoked is True
    assert (await get("ex-1", repo)).revoked is True
    entry = repo.audit[-1]
    assert (entry.at, entry.actor, entry.action, entry.changed()) == (later, "operator-4", "revoke", ["revoked"])
    (_, key, _) = publisher.published[-1]
    event = published(publisher)[-1]
    assert key == "ex-1"
    assert event.revoked is True
    assert event.plate_key == vehicle_key("63HKHD", KEY)


async def test_revoking_twice_changes_nothing_the_second_time(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), OP, NOW, ports)
    await revoke("ex-1", OP, NOW, ports)
    again = await revoke("ex-1", OP, NOW, ports)
    assert again.revoked is True
    assert len(publisher.published) == len(repo.audit) == 2


async def test_revoke_unknown_is_not_found(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="ex-ghost"):
        await revoke("ex-ghost", OP, NOW, ports)

    assert publisher.published == []
    assert repo.audit == []


async def test_audit_trail_lists_every_change_in_order(ports: Ports, repo: FakeExemptionRepository) -> None:
    await grant(an_exemption(), Actor("a", "a name"), NOW, ports)
    await update("ex-1", {"reference": "r2"}, Actor("b", "b name"), NOW, ports)
    await revoke("ex-1", Actor("c", "c name"), NOW, ports)

    trail = await audit_trail("ex-1", repo)

    assert [(e.actor, e.action) for e in trail] == [("a", "grant"), ("b", "update"), ("c", "revoke")]
    with pytest.raises(NotFound):
        await audit_trail("ex-ghost", repo)


async def test_check_finds_only_exemptions_covering_the_regime_at_that_moment(ports: Ports) -> None:
    repo = ports.repo
    await grant(an_exemption("ex-zone"), OP, NOW, ports)
    await grant(an_exemption("ex-national", regimes=(), kind=ExemptionKind.NATIONAL), OP, NOW, ports)
    await grant(an_exemption("ex-other-regime", regimes=("ze-zone",)), OP, NOW, ports)
    await grant(an_exemption("ex-other-plate", plate="57LFJB"), OP, NOW, ports)
    await grant(an_exemption("ex-revoked"), OP, NOW, ports)
    await revoke("ex-revoked", OP, NOW, ports)

    found = await check("63HKHD", "milieuzone-centrum", NOW, repo)

    assert sorted(e.exemption_id for e in found) == ["ex-national", "ex-zone"]
    assert await check("63HKHD", "milieuzone-centrum", FROM - timedelta(seconds=1), repo) == []


async def test_check_honours_zones_and_daily_windows(ports: Ports) -> None:
    await grant(an_exemption("ex-nights", daily_from=time(22), daily_until=time(2)), OP, NOW, ports)
    await grant(an_exemption("ex-west", zones=("west",)), OP, NOW, ports)
    night = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 in Amsterdam
    noon = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)

    async def ids(moment: datetime, zone: str | None = None) -> list[str]:
        return sorted(e.exemption_id for e in await check("63HKHD", "milieuzone-centrum", moment, ports.repo, zone))

    assert await ids(night) == ["ex-nights"]
    assert await ids(noon) == []
    assert await ids(noon, "west") == ["ex-west"]
    assert await ids(noon, "east") == []
    assert await ids(night, "west") == ["ex-nights", "ex-west"]


async def test_search_filters_by_plate_kind_regime_and_moment(ports: Ports) -> None:
    await grant(an_exemption("ex-a"), OP, NOW, ports)
    await grant(an_exemption("ex-b", plate="57LFJB", regimes=()), OP, NOW, ports)
    await grant(a_day_permit(date(2026, 3, 1), exemption_id="ex-c", plate="57LFJB"), OP, NOW, ports)

    async def ids(**filters: object) -> list[str]:
        return sorted(e.exemption_id for e in await search(Search(**filters), ports.repo))  # type: ignore[arg-type]

    assert await ids() == ["ex-a", "ex-b", "ex-c"]
    assert await ids(plate="57LFJB") == ["ex-b", "ex-c"]
    assert await ids(kind=ExemptionKind.DAY_PERMIT) == ["ex-c"]
    assert await ids(regime="milieuzone-centrum") == ["ex-a", "ex-b"]
    assert await ids(active_at=datetime(2026, 3, 3, tzinfo=UTC)) == ["ex-a", "ex-b"]
    assert await ids(limit=1) == ["ex-c"]  # newest valid_from first
