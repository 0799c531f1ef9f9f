import inspect
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_contracts import ExemptionChanged
from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.handlers import check, grant, revoke
from anpr_runtime import Conflict, NotFound
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeExemptionRepository

KEY = "unit-pseudonym-key"
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
FROM = datetime(2026, 1, 1, tzinfo=UTC)


PERMIT = Exemption(
    exemption_id="ex-1",
    plate="63HKHD",
    kind=ExemptionKind.RESIDENT,
    regimes=("milieuzone-centrum",),
    valid_from=FROM,
    valid_until=datetime(2027, 1, 1, tzinfo=UTC),
    reference="VERG-2026-0001",
    issuer="Gemeente Haarlem",
)


def an_exemption(exemption_id: str = "ex-1", **overrides: Any) -> Exemption:
    return replace(PERMIT, exemption_id=exemption_id, **overrides)


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(ExemptionRepository, inspect.isfunction) if not name.startswith("_")}
    for name in port:
        fake_method = getattr(FakeExemptionRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(ExemptionRepository, name)).parameters.keys()
        ), name


async def test_grant_stores_audits_and_publishes_a_pseudonymous_change(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    exemption = an_exemption()

    await grant(exemption, "operator-3", NOW, repo, publisher, KEY)

    assert await repo.get("ex-1") == exemption
    assert repo.audit == [(NOW, "operator-3", "grant", "ex-1")]
    [(topic, key, event)] = publisher.published
    assert topic == "anpr.exemptions.v1"
    assert key == "ex-1"  # compacted by exemption id
    assert isinstance(event, ExemptionChanged)
    assert event.plate_key == vehicle_key("63HKHD", KEY)
    assert event.plate_key != "63HKHD"
    assert "63HKHD" not in event.model_dump_json()
    assert event.kind == "resident"
    assert event.regimes == ("milieuzone-centrum",)
    assert (event.valid_from, event.valid_until) == (exemption.valid_from, exemption.valid_until)
    assert event.revoked is False


async def test_plate_key_depends_on_the_secret_key(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption("ex-1"), "op", NOW, repo, publisher, KEY)
    await grant(an_exemption("ex-2"), "op", NOW, repo, publisher, "another-key")

    first, second = (event for _, _, event in publisher.published)
    assert isinstance(first, ExemptionChanged)
    assert isinstance(second, ExemptionChanged)
    assert first.plate_key != second.plate_key


async def test_duplicate_grant_is_a_conflict_and_publishes_nothing_more(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), "op", NOW, repo, publisher, KEY)

    with pytest.raises(Conflict, match="ex-1"):
        await grant(an_exemption(plate="99ZZZ9"), "op", NOW, repo, publisher, KEY)

    assert len(publisher.published) == 1
    assert len(repo.audit) == 1
    stored = await repo.get("ex-1")
    assert stored is not None
    assert stored.plate == "63HKHD"


async def test_revoke_publishes_revoked_and_audits(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption(), "operator-3", NOW, repo, publisher, KEY)
    later = NOW + timedelta(hours=2)

    revoked = await revoke("ex-1", "operator-4", later, repo, publisher, KEY)

    assert revoked.revoked is True
    stored = await repo.get("ex-1")
    assert stored is not None
    assert stored.revoked is True
    assert repo.audit[-1] == (later, "operator-4", "revoke", "ex-1")
    (_, key, event) = publisher.published[-1]
    assert key == "ex-1"
    assert isinstance(event, ExemptionChanged)
    assert event.revoked is True
    assert event.plate_key == vehicle_key("63HKHD", KEY)


async def test_revoke_unknown_is_not_found(repo: FakeExemptionRepository, publisher: FakeEventPublisher) -> None:
    with pytest.raises(NotFound, match="ex-ghost"):
        await revoke("ex-ghost", "op", NOW, repo, publisher, KEY)

    assert publisher.published == []
    assert repo.audit == []


async def test_check_finds_only_exemptions_covering_the_regime_at_that_moment(
    repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant(an_exemption("ex-zone"), "op", NOW, repo, publisher, KEY)
    await grant(an_exemption("ex-national", regimes=(), kind=ExemptionKind.NATIONAL), "op", NOW, repo, publisher, KEY)
    await grant(an_exemption("ex-other-regime", regimes=("ze-zone",)), "op", NOW, repo, publisher, KEY)
    await grant(an_exemption("ex-other-plate", plate="57LFJB"), "op", NOW, repo, publisher, KEY)
    await grant(an_exemption("ex-revoked"), "op", NOW, repo, publisher, KEY)
    await revoke("ex-revoked", "op", NOW, repo, publisher, KEY)

    found = await check("63HKHD", "milieuzone-centrum", NOW, repo)

    assert sorted(e.exemption_id for e in found) == ["ex-national", "ex-zone"]
    assert await check("63HKHD", "milieuzone-centrum", FROM - timedelta(seconds=1), repo) == []
