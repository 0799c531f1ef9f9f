from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from anpr_exemptions.domain.fields import exemption_from, fields_of
from anpr_exemptions.domain.model import Exemption, ExemptionKind

FROM = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 7, 1, tzinfo=UTC)
TICK = timedelta(microseconds=1)
PERMIT = Exemption(
    exemption_id="ex-1",
    plate="63HKHD",
    kind=ExemptionKind.RESIDENT,
    regimes=("milieuzone-centrum",),
    valid_from=FROM,
    valid_until=UNTIL,
    reference="VERG-2026-0001",
    issuer="Gemeente Haarlem",
)


def test_covers_its_regime_from_valid_from_up_to_not_including_valid_until() -> None:
    assert not PERMIT.covers("milieuzone-centrum", FROM - TICK)
    assert PERMIT.covers("milieuzone-centrum", FROM)
    assert PERMIT.covers("milieuzone-centrum", UNTIL - TICK)
    assert not PERMIT.covers("milieuzone-centrum", UNTIL)


def test_does_not_cover_another_regime() -> None:
    assert not PERMIT.covers("ze-zone", FROM + timedelta(days=1))


def test_empty_regimes_cover_every_regime() -> None:
    national = replace(PERMIT, regimes=(), kind=ExemptionKind.NATIONAL)
    assert national.covers("milieuzone-centrum", FROM)
    assert national.covers("ze-zone", FROM)


def test_open_ended_covers_far_ahead() -> None:
    assert replace(PERMIT, valid_until=None).covers("milieuzone-centrum", FROM + timedelta(days=3650))


def test_revoked_covers_nothing() -> None:
    revoked = replace(PERMIT, revoked=True, regimes=(), valid_until=None)
    assert not revoked.covers("milieuzone-centrum", FROM + timedelta(days=1))


def test_zones_limit_a_permit_when_the_zone_is_known() -> None:
    zoned = replace(PERMIT, zones=("binnenstad",))
    moment = FROM + timedelta(days=1)
    assert zoned.covers("milieuzone-centrum", moment, "binnenstad")
    assert not zoned.covers("milieuzone-centrum", moment, "waarderpolder")
    assert not zoned.covers("milieuzone-centrum", moment), "unknown zone: as rules judges a read without one"
    assert PERMIT.covers("milieuzone-centrum", moment, "waarderpolder"), "no zones: every zone"


def test_daily_window_applies_on_top_of_the_validity_period() -> None:
    mornings = replace(PERMIT, daily_from=time(6), daily_until=time(11))
    # 2026-03-02 is winter time: Amsterdam = UTC+1.
    assert mornings.covers("milieuzone-centrum", datetime(2026, 3, 2, 5, 0, tzinfo=UTC))  # 06:00 local
    assert not mornings.covers("milieuzone-centrum", datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # 11:00 local
    assert not mornings.covers("milieuzone-centrum", datetime(2026, 3, 2, 4, 59, tzinfo=UTC))
    assert not replace(mornings, revoked=True).covers("milieuzone-centrum", datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    assert not mornings.covers("milieuzone-centrum", datetime(2027, 3, 2, 5, 0, tzinfo=UTC)), "after valid_until"


def test_the_field_mapping_goes_there_and_back() -> None:
    permit = replace(PERMIT, zones=("west",), daily_from=time(22), daily_until=time(2))
    values = fields_of(permit)
    assert exemption_from(values) == permit
    as_stored = values | {"kind": "resident", "regimes": list(permit.regimes), "zones": ["west"], "extra": 1}
    assert exemption_from(as_stored) == permit
