from datetime import UTC, datetime

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.handlers import log_read
from anpr_runtime.pseudonym import vehicle_key

from .builders import KEY, an_exemption
from .fakes import FakeReadLog

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
REVIEWER = Actor("r-1", "Reviewer One")


async def test_a_read_is_logged_with_its_purpose_and_the_vehicle_as_a_pseudonym_never_the_plate() -> None:
    log = FakeReadLog()

    await log_read(log, NOW, REVIEWER, "check", "review: case 7", [an_exemption("ex-1")], "63HKHD", KEY)

    [entry] = log.entries
    assert (entry.actor, entry.actor_name, entry.action, entry.purpose) == (
        "r-1",
        "Reviewer One",
        "check",
        "review: case 7",
    )
    assert entry.plate_key == vehicle_key("63HKHD", KEY)
    assert entry.exemption_ids == ("ex-1",)
    assert "63HKHD" not in repr(entry)


async def test_a_read_without_a_plate_names_the_vehicle_when_every_permit_shown_is_of_one() -> None:
    log = FakeReadLog()

    await log_read(log, NOW, REVIEWER, "view", "permit_desk", [an_exemption("a"), an_exemption("b")], None, KEY)
    await log_read(
        log, NOW, REVIEWER, "search", "permit_desk", [an_exemption("c"), an_exemption("d", plate="XX99XX")], None, KEY
    )
    await log_read(log, NOW, REVIEWER, "check", "review", [], "ZZ11ZZ", KEY)

    assert [e.plate_key for e in log.entries] == [vehicle_key("63HKHD", KEY), None, vehicle_key("ZZ11ZZ", KEY)]
