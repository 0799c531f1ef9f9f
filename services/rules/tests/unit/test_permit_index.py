from datetime import datetime, time, timedelta
from typing import Any

import pytest

from anpr_rules.adapters.permit_index import PermitFeed
from anpr_rules.domain.exemption import Permit
from anpr_runtime.pseudonym import vehicle_key

from .fakes import CEST, CET, KEY, a_permit, permit_index

KEY_63 = vehicle_key("63HKHD", KEY)
KEY_57 = vehicle_key("57LFJB", KEY)
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=CET)


def test_index_holds_permits_per_vehicle_key() -> None:
    index = permit_index(a_permit(exemption_id="a"), a_permit(exemption_id="b"), a_permit("57LFJB", exemption_id="c"))

    assert [p.exemption_id for p in index.permits_of(KEY_63)] == ["a", "b"]
    assert [p.exemption_id for p in index.permits_of(KEY_57)] == ["c"]
    assert index.permits_of("unknown") == ()
    assert len(index) == 3


def test_a_change_replaces_the_permit_and_a_revocation_removes_it() -> None:
    index = permit_index(a_permit(kind="resident"), a_permit(kind="business"))
    [permit] = index.permits_of(KEY_63)
    assert permit.kind == "business"

    index.apply(a_permit(revoked=True))

    assert index.permits_of(KEY_63) == ()
    assert len(index) == 0


def test_a_permit_moved_to_another_plate_leaves_the_first() -> None:
    index = permit_index(a_permit(), a_permit("57LFJB"))

    assert index.permits_of(KEY_63) == ()
    assert [p.exemption_id for p in index.permits_of(KEY_57)] == ["ex-1"]


def test_revoking_an_unknown_permit_is_harmless() -> None:
    assert len(permit_index(a_permit(exemption_id="never-seen", revoked=True))) == 0


def test_permit_keeps_no_plate() -> None:
    permit = Permit.of(a_permit(kind="works", regimes=("c7",), zones=("polder",)))

    assert (permit.kind, permit.regimes, permit.zones) == ("works", ("c7",), ("polder",))
    assert not hasattr(permit, "plate_key")


def covers(moment: datetime, zone_id: str | None = "centrum", regime_id: str = "mz", **overrides: Any) -> bool:
    return Permit.of(a_permit(**overrides)).covers(regime_id, zone_id, moment)


def test_validity_includes_its_start_and_excludes_its_end() -> None:
    assert covers(NOON, valid_from=NOON)
    assert not covers(NOON, valid_until=NOON)
    assert covers(NOON, valid_from=NOON, valid_until=NOON + timedelta(microseconds=1))


def test_regimes_and_zones_empty_mean_all() -> None:
    assert covers(NOON, regime_id="anything", zone_id=None)
    assert covers(NOON, regimes=("mz",))
    assert not covers(NOON, regimes=("ze",))
    assert covers(NOON, zones=("centrum",))
    assert not covers(NOON, zones=("haven",))
    assert not covers(NOON, zone_id=None, zones=("centrum",))


@pytest.mark.parametrize(
    ("daily", "clock", "expected"),
    [
        (("07:00", "19:00"), time(7, 0), True),
        (("07:00", "19:00"), time(18, 59, 59), True),
        (("07:00", "19:00"), time(19, 0), False),
        (("07:00", "19:00"), time(6, 59), False),
        (("22:00", "02:00"), time(22, 0), True),
        (("22:00", "02:00"), time(1, 59), True),
        (("22:00", "02:00"), time(2, 0), False),
        (("22:00", "02:00"), time(12, 0), False),
        (("00:00", "00:00"), time(12, 0), True),  # from == until: the whole day
        (("07:00", None), time(3, 0), True),  # half a window is no window
    ],
)
def test_daily_times_in_local_time(daily: tuple[str, str | None], clock: time, expected: bool) -> None:
    moment = datetime.combine(datetime(2026, 7, 15).date(), clock, CEST)

    assert covers(moment, daily_from=daily[0], daily_until=daily[1]) is expected


def test_a_purged_permit_is_forgotten() -> None:
    index = permit_index(a_permit(exemption_id="a"), a_permit(exemption_id="b"))

    index.forget("a")
    index.forget("never-seen")

    assert [p.exemption_id for p in index.permits_of(KEY_63)] == ["b"]
    assert len(index) == 1


def test_the_feed_takes_a_tombstone_for_a_purge() -> None:
    index = permit_index(a_permit(exemption_id="a"))
    feed = PermitFeed(lambda: None, "anpr.exemptions.v1", index)  # the reader is never started

    feed._apply(b"a", None)

    assert index.permits_of(KEY_63) == ()
