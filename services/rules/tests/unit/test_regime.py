from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from anpr_contracts import RegimeMode
from anpr_rules.adapters.regime_files import RegimeFileError, load_regimes
from anpr_rules.domain.regime import Regime

from .fakes import REGIME_DIR, a_regime

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
TICK = timedelta(microseconds=1)


# in_force


def test_in_force_only_at_its_locations() -> None:
    regime = a_regime()
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert regime.in_force(moment, "loc-a")
    assert regime.in_force(moment, "loc-b")
    assert not regime.in_force(moment, "loc-elsewhere")
    assert not regime.in_force(moment, None)


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


@pytest.mark.parametrize(
    "broken",
    [
        {"effective_from": "2025-01-01T00:00:00"},  # no time zone
        {"kind": "speed_trap"},
        {"locations": []},
        {"modes": []},
        {"unknown_field": 1},
        {"criteria": {"fuels": ["Diesel"], "categories": ["M1"], "min_emission_class": 7}},
    ],
)
def test_invalid_definitions_are_refused(broken: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        a_regime(**broken)


# the milieuzone that ships in deploy/regimes


def test_shipped_milieuzone_loads(milieuzone: Regime) -> None:
    assert milieuzone.version == "2026.1"
    assert milieuzone.kind == "milieuzone"
    assert milieuzone.locations == ("loc-centrum-noord", "loc-centrum-zuid")
    assert milieuzone.criteria.fuels == ("Diesel",)
    assert milieuzone.criteria.min_emission_class == 4
    assert milieuzone.fine_eur["M1"] == 120
    assert milieuzone.fine_eur["N2"] == 300


def test_shipped_milieuzone_warns_then_enforces_from_1_may_2022(milieuzone: Regime) -> None:
    enforce = datetime(2022, 5, 1, tzinfo=CEST)
    assert milieuzone.mode_at(enforce - TICK) is RegimeMode.WARN
    assert milieuzone.mode_at(enforce) is RegimeMode.ENFORCE
    assert milieuzone.mode_at(datetime(2022, 1, 1, tzinfo=CET)) is RegimeMode.WARN
    assert milieuzone.mode_at(datetime(2021, 12, 31, 23, 59, tzinfo=CET)) is None
    assert milieuzone.in_force(enforce, "loc-centrum-zuid")
    assert not milieuzone.in_force(datetime(2021, 12, 31, 23, 59, tzinfo=CET), "loc-centrum-zuid")


def test_every_shipped_regime_file_loads() -> None:
    regimes = load_regimes(REGIME_DIR)
    assert len(regimes) == len(list(REGIME_DIR.glob("*.yaml")))


# load_regimes


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_loads_every_yaml_file_and_ignores_others(tmp_path: Path) -> None:
    shipped = (REGIME_DIR / "milieuzone.yaml").read_text()
    write(tmp_path, "a.yaml", shipped)
    write(tmp_path, "b.yaml", shipped.replace("id: milieuzone-centrum", "id: milieuzone-haven"))
    write(tmp_path, "notes.txt", "not a regime")
    write(tmp_path, "c.yaml.bak", ": broken")

    assert [r.id for r in load_regimes(tmp_path)] == ["milieuzone-centrum", "milieuzone-haven"]


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", (REGIME_DIR / "milieuzone.yaml").read_text())
    broken = write(tmp_path, "broken.yaml", "id: x\nmodes: [unclosed\n")

    with pytest.raises(RegimeFileError, match=r"broken\.yaml") as caught:
        load_regimes(tmp_path)
    assert str(broken) in str(caught.value)


def test_schema_error_names_the_file_and_the_field(tmp_path: Path) -> None:
    text = (REGIME_DIR / "milieuzone.yaml").read_text().replace("min_emission_class: 4", "min_emission_class: 9")
    write(tmp_path, "strict.yaml", text)

    with pytest.raises(RegimeFileError, match=r"(?s)strict\.yaml.*min_emission_class"):
        load_regimes(tmp_path)


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "empty.yaml", "")

    with pytest.raises(RegimeFileError, match=r"empty\.yaml"):
        load_regimes(tmp_path)


def test_duplicate_regime_ids_are_refused(tmp_path: Path) -> None:
    shipped = (REGIME_DIR / "milieuzone.yaml").read_text()
    write(tmp_path, "one.yaml", shipped)
    write(tmp_path, "two.yaml", shipped)

    with pytest.raises(RegimeFileError, match="duplicate"):
        load_regimes(tmp_path)


def test_empty_directory_has_no_regimes(tmp_path: Path) -> None:
    assert load_regimes(tmp_path) == []
