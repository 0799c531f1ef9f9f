import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from anpr_contracts import RegimeMode
from anpr_rules.adapters.regime_files import RegimeFileError, load_regimes
from anpr_rules.adapters.regime_store import RegimeStore
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.windows import TimeWindow

from .fakes import CEST, CET, REGIME_DIR, a_regime

TICK = timedelta(microseconds=1)


# in_force


def test_in_force_only_at_its_locations_and_zones() -> None:
    regime = a_regime(applies_at={"locations": ["loc-a"], "zones": ["centrum"]})
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert regime.in_force(moment, "loc-a")
    assert regime.in_force(moment, "loc-elsewhere", "centrum")
    assert regime.in_force(moment, None, "centrum")
    assert not regime.in_force(moment, "loc-elsewhere", "haven")
    assert not regime.in_force(moment, None, None)


def test_in_force_from_its_effective_moment_on() -> None:
    regime = a_regime()
    starts = datetime(2025, 1, 1, tzinfo=CET)
    assert not regime.in_force(starts - TICK, "loc-a")
    assert regime.in_force(starts, "loc-a")
    assert regime.in_force(datetime(2024, 12, 31, 23, 0, tzinfo=UTC), "loc-a")  # the same instant in UTC


def test_in_force_until_its_end_not_including_it() -> None:
    regime = a_regime(effective_until="2027-01-01T00:00:00+01:00")
    ends = datetime(2027, 1, 1, tzinfo=CET)
    assert regime.in_force(ends - TICK, "loc-a")
    assert not regime.in_force(ends, "loc-a")


def test_in_force_only_inside_its_windows_in_local_time() -> None:
    regime = a_regime(windows=[{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "until": "19:00"}])
    assert regime.in_force(datetime(2026, 7, 15, 7, 0, tzinfo=CEST), "loc-a")  # Wednesday
    assert regime.in_force(datetime(2026, 7, 15, 5, 0, tzinfo=UTC), "loc-a")  # 07:00 CEST
    assert not regime.in_force(datetime(2026, 7, 15, 6, 59, 59, tzinfo=CEST), "loc-a")
    assert not regime.in_force(datetime(2026, 7, 15, 19, 0, tzinfo=CEST), "loc-a")
    assert not regime.in_force(datetime(2026, 7, 18, 12, 0, tzinfo=CEST), "loc-a")  # Saturday


def test_not_in_force_before_its_first_rule_set() -> None:
    regime = a_regime(rule_sets=[{"starts": "2026-01-01T00:00:00+01:00"}])
    assert not regime.in_force(datetime(2025, 6, 1, tzinfo=CEST), "loc-a")
    assert regime.in_force(datetime(2026, 1, 1, tzinfo=CET), "loc-a")


def test_rule_set_at_is_the_latest_started() -> None:
    regime = a_regime(
        rule_sets=[
            {"starts": "2027-01-01T00:00:00+01:00", "admitted": [{"min_emission_class": 5}]},
            {"starts": "2025-01-01T00:00:00+01:00", "admitted": [{"min_emission_class": 4}]},
        ]
    )
    switch = datetime(2027, 1, 1, tzinfo=CET)
    earlier, later = regime.rule_set_at(switch - TICK), regime.rule_set_at(switch)
    assert earlier is not None
    assert later is not None
    assert (earlier.admitted[0].min_emission_class, later.admitted[0].min_emission_class) == (4, 5)
    assert regime.rule_set_at(datetime(2024, 1, 1, tzinfo=CET)) is None


# mode_at


def test_mode_at_the_exact_switch_moment_is_the_new_mode() -> None:
    regime = a_regime()
    switch = datetime(2026, 1, 1, tzinfo=CET)
    assert regime.mode_at(switch - TICK) is RegimeMode.WARN
    assert regime.mode_at(switch) is RegimeMode.ENFORCE
    assert regime.mode_at(switch + TICK) is RegimeMode.ENFORCE


def test_mode_compares_instants_across_time_zones() -> None:
    regime = a_regime()
    # 2025-06-30 22:00 UTC is 2025-07-01 00:00 CEST: the warn switch.
    assert regime.mode_at(datetime(2025, 6, 30, 21, 59, 59, tzinfo=UTC)) is RegimeMode.OBSERVE
    assert regime.mode_at(datetime(2025, 6, 30, 22, 0, tzinfo=UTC)) is RegimeMode.WARN


def test_mode_before_the_first_switch_is_none() -> None:
    assert a_regime().mode_at(datetime(2024, 12, 31, tzinfo=CET)) is None


def test_mode_schedule_need_not_be_listed_in_order() -> None:
    regime = a_regime(
        modes=[
            {"starts": "2026-01-01T00:00:00+01:00", "mode": "enforce"},
            {"starts": "2025-01-01T00:00:00+01:00", "mode": "observe"},
        ]
    )
    assert regime.mode_at(datetime(2025, 6, 1, tzinfo=CEST)) is RegimeMode.OBSERVE
    assert regime.mode_at(datetime(2026, 6, 1, tzinfo=CEST)) is RegimeMode.ENFORCE


def test_fine_per_category_with_a_default() -> None:
    assert a_regime().fine_for("N1") == 150
    assert a_regime().fine_for("N3") is None
    assert a_regime(default_fine_eur=95).fine_for("N3") == 95
    assert a_regime(default_fine_eur=95).fine_for(None) == 95


@pytest.mark.parametrize(
    "broken",
    [
        {"effective_from": "2025-01-01T00:00:00"},  # no time zone
        {"effective_until": "2024-01-01T00:00:00+01:00"},  # ends before it starts
        {"kind": "speed_trap"},
        {"id": "Milieuzone Centrum"},
        {"applies_at": {}},
        {"applies_at": {"locations": [], "zones": []}},
        {"modes": []},
        {"rule_sets": []},
        {"unknown_field": 1},
        {"rule_sets": [{"starts": "2025-01-01T00:00:00+01:00", "admitted": [{"min_emission_class": 7}]}]},
        {"rule_sets": [{"starts": "2025-01-01T00:00:00+01:00", "scope": {"fuel": ["Diesel"]}}]},
        {"windows": [{"days": ["maandag"], "from": "07:00", "until": "19:00"}]},
        {"automatic_exemptions": ["camper"]},
        {"foreign_plates": "fine"},
        {"max_stay_per_day": "PT1H"},  # only for access windows
        {"recheck_after": "PT5M"},  # only for parking
    ],
)
def test_invalid_definitions_are_refused(broken: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        a_regime(**broken)


def test_max_stay_and_recheck_belong_to_their_kinds() -> None:
    assert a_regime(kind="access_window", max_stay_per_day="PT1H").max_stay_per_day == timedelta(hours=1)
    assert a_regime(kind="parking", recheck_after="PT5M").recheck_after == timedelta(minutes=5)


def test_window_from_until_in_local_time_and_wrapping() -> None:
    window = TimeWindow.model_validate({"days": ["fri"], "from": "22:00", "until": "02:00"})
    assert (window.start, window.end) == (time(22, 0), time(2, 0))
    assert window.contains(datetime(2026, 7, 17, 22, 0, tzinfo=CEST))  # Friday evening
    assert window.contains(datetime(2026, 7, 18, 1, 59, tzinfo=CEST))  # the early part belongs to Friday
    assert not window.contains(datetime(2026, 7, 18, 2, 0, tzinfo=CEST))
    assert not window.contains(datetime(2026, 7, 17, 1, 0, tzinfo=CEST))  # Thursday's night
    assert not window.contains(datetime(2026, 7, 18, 23, 0, tzinfo=CEST))  # Saturday evening


# the regimes that ship in deploy/regimes


def test_every_shipped_regime_file_loads(shipped: dict[str, Regime]) -> None:
    assert len(shipped) == len(list(REGIME_DIR.glob("*.yaml")))
    assert {r.kind for r in shipped.values()} == {
        "milieuzone",
        "zero_emission",
        "closed_road",
        "access_window",
        "parking",
    }


def test_shipped_milieuzone(milieuzone: Regime) -> None:
    assert milieuzone.version == "2026.2"
    assert milieuzone.applies_at.locations == ("loc-centrum-noord", "loc-centrum-zuid")
    assert milieuzone.applies_at.zones == ("centrum",)
    assert milieuzone.fine_for("M1") == 120
    assert milieuzone.fine_for("N2") == 300


def test_shipped_milieuzone_warns_then_enforces_from_1_may_2022(milieuzone: Regime) -> None:
    enforce = datetime(2022, 5, 1, tzinfo=CEST)
    assert milieuzone.mode_at(enforce - TICK) is RegimeMode.WARN
    assert milieuzone.mode_at(enforce) is RegimeMode.ENFORCE
    assert milieuzone.mode_at(datetime(2022, 1, 1, tzinfo=CET)) is RegimeMode.WARN
    assert milieuzone.mode_at(datetime(2021, 12, 31, 23, 59, tzinfo=CET)) is None
    assert milieuzone.in_force(enforce, "loc-centrum-zuid")
    assert not milieuzone.in_force(datetime(2021, 12, 31, 23, 59, tzinfo=CET), "loc-centrum-zuid")


def test_shipped_zero_emission_zone_warns_at_least_six_months(shipped: dict[str, Regime]) -> None:
    ze = shipped["ze-zone-centrum"]
    [warn] = [s for s in ze.modes if s.mode is RegimeMode.WARN]
    [enforce] = [s for s in ze.modes if s.mode is RegimeMode.ENFORCE]
    w, e = warn.starts, enforce.starts
    assert ((e.year - w.year) * 12 + e.month - w.month, e.day) >= (6, w.day)
    assert ze.foreign_plates == "review"


@pytest.mark.parametrize(
    "regime_id",
    [
        "milieuzone-centrum",
        "ze-zone-centrum",
        "closed-road-polderweg",
        "voetgangersgebied",
        "parkeren-centrum",
    ],
)
def test_every_shipped_regime_warns_before_it_enforces(shipped: dict[str, Regime], regime_id: str) -> None:
    modes = [s.mode for s in sorted(shipped[regime_id].modes, key=lambda s: s.starts)]
    assert RegimeMode.WARN in modes
    assert RegimeMode.ENFORCE not in modes[: modes.index(RegimeMode.WARN)]


# load_regimes


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def shipped_text(name: str = "milieuzone.yaml") -> str:
    return (REGIME_DIR / name).read_text()


def test_loads_every_yaml_file_and_ignores_others(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", shipped_text())
    write(tmp_path, "b.yaml", shipped_text().replace("id: milieuzone-centrum", "id: milieuzone-haven"))
    write(tmp_path, "notes.txt", "not a regime")
    write(tmp_path, "c.yaml.bak", ": broken")

    assert [r.id for r in load_regimes(tmp_path)] == ["milieuzone-centrum", "milieuzone-haven"]


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", shipped_text())
    broken = write(tmp_path, "broken.yaml", "id: x\nmodes: [unclosed\n")

    with pytest.raises(RegimeFileError, match=r"broken\.yaml") as caught:
        load_regimes(tmp_path)
    assert str(broken) in str(caught.value)


def test_schema_error_names_the_file_and_the_field(tmp_path: Path) -> None:
    write(tmp_path, "strict.yaml", shipped_text().replace("min_emission_class: 4", "min_emission_class: 9"))

    with pytest.raises(RegimeFileError, match=r"(?s)strict\.yaml.*min_emission_class"):
        load_regimes(tmp_path)


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "empty.yaml", "")

    with pytest.raises(RegimeFileError, match=r"empty\.yaml"):
        load_regimes(tmp_path)


def test_duplicate_regime_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", shipped_text())
    write(tmp_path, "two.yaml", shipped_text())

    with pytest.raises(RegimeFileError, match="duplicate"):
        load_regimes(tmp_path)


def test_empty_directory_has_no_regimes(tmp_path: Path) -> None:
    assert load_regimes(tmp_path) == []


# RegimeStore: reload without a restart


def touch(path: Path, text: str) -> None:
    path.write_text(text)
    stamp = path.stat().st_mtime_ns + 1_000_000_000  # a later mtime even on coarse file systems
    os.utime(path, ns=(stamp, stamp))


def test_store_reloads_a_changed_file(tmp_path: Path) -> None:
    write(tmp_path, "mz.yaml", shipped_text())
    store = RegimeStore(tmp_path)
    assert store.reload_if_changed() is False

    touch(tmp_path / "mz.yaml", shipped_text().replace('version: "2026.2"', 'version: "2026.3"'))

    assert store.reload_if_changed() is True
    assert [r.version for r in store.regimes] == ["2026.3"]
    assert store.last_error is None


def test_store_picks_up_a_new_file(tmp_path: Path) -> None:
    write(tmp_path, "mz.yaml", shipped_text())
    store = RegimeStore(tmp_path)

    touch(tmp_path / "ze.yaml", shipped_text("zero-emission.yaml"))

    assert store.reload_if_changed() is True
    assert sorted(r.id for r in store.regimes) == ["milieuzone-centrum", "ze-zone-centrum"]


def test_store_keeps_the_old_regimes_when_a_file_breaks(tmp_path: Path) -> None:
    write(tmp_path, "mz.yaml", shipped_text())
    store = RegimeStore(tmp_path)
    before = store.regimes

    touch(tmp_path / "mz.yaml", shipped_text().replace("min_emission_class: 4", "min_emission_class: 9"))

    assert store.reload_if_changed() is False
    assert store.regimes == before
    assert store.reload_if_changed() is False  # reported once per change
    with pytest.raises(RegimeFileError):
        store.reload()
    assert "mz.yaml" in (store.last_error or "")
    assert store.regimes == before
