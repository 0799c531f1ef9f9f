"""ZE day permits: 12 per vehicle per municipality per calendar year, revoked ones given back."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import QuotaExceeded
from anpr_exemptions.domain.quota import ensure_day_permit_allowed
from anpr_exemptions.handlers import Ports, day_permits_used, grant, revoke, update
from anpr_runtime import Conflict
from anpr_runtime.publisher import FakeEventPublisher

from .builders import a_day_permit
from .fakes import FakeExemptionRepository

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
JAN = [date(2026, 1, d) for d in range(1, 32)]
OP = Actor("desk-1", "Dewi Desk")


async def grant_days(days: list[date], ports: Ports, plate: str = "VX123B") -> None:
    for day in days:
        await grant(a_day_permit(day, plate=plate), OP, NOW, ports)


async def test_twelve_day_permits_a_year_are_granted_the_thirteenth_is_refused(
    ports: Ports, repo: FakeExemptionRepository, publisher: FakeEventPublisher
) -> None:
    await grant_days(JAN[:12], ports)

    with pytest.raises(QuotaExceeded, match=r"VX123B already has 12 of the 12 day permits allowed in haarlem for 2026"):
        await grant(a_day_permit(JAN[12]), OP, NOW, ports)

    assert len(repo.exemptions) == 12
    assert len(publisher.published) == 12
    assert QuotaExceeded.status_code == 409


async def test_a_new_calendar_year_starts_a_new_quota(ports: Ports) -> None:
    await grant_days(JAN[:12], ports)
    await grant(a_day_permit(date(2027, 1, 1)), OP, NOW, ports)  # the 13th, but in 2027
    await grant(a_day_permit(date(2025, 12, 31)), OP, NOW, ports)


async def test_the_quota_is_per_vehicle(ports: Ports) -> None:
    await grant_days(JAN[:12], ports)
    await grant(a_day_permit(JAN[12], plate="VZ456C"), OP, NOW, ports)


async def test_revoked_day_permits_do_not_count(ports: Ports, repo: FakeExemptionRepository) -> None:
    await grant_days(JAN[:12], ports)
    await revoke(a_day_permit(JAN[0]).exemption_id, OP, NOW, ports)

    await grant(a_day_permit(JAN[12]), OP, NOW, ports)  # the revoked one's place
    with pytest.raises(QuotaExceeded):
        await grant(a_day_permit(JAN[13]), OP, NOW, ports)
    assert sum(not e.revoked for e in repo.exemptions.values()) == 12


async def test_a_revoked_day_is_free_again(ports: Ports) -> None:
    await grant(a_day_permit(JAN[0]), OP, NOW, ports)
    await revoke(a_day_permit(JAN[0]).exemption_id, OP, NOW, ports)
    await grant(a_day_permit(JAN[0], exemption_id="again"), OP, NOW, ports)


async def test_one_vehicle_gets_one_day_permit_per_day(ports: Ports) -> None:
    await grant(a_day_permit(JAN[0]), OP, NOW, ports)
    with pytest.raises(Conflict, match="already has a day permit for 2026-01-01"):
        await grant(a_day_permit(JAN[0], exemption_id="twice"), OP, NOW, ports)


async def test_the_quota_lock_is_taken_per_vehicle_year_before_counting(
    ports: Ports, repo: FakeExemptionRepository
) -> None:
    await grant(a_day_permit(JAN[0]), OP, NOW, ports)
    await grant(a_day_permit(date(2027, 2, 1)), OP, NOW, ports)
    assert repo.locks == [("VX123B", "haarlem", 2026), ("VX123B", "haarlem", 2027)]


async def test_moving_a_day_permit_into_a_full_year_is_refused(ports: Ports, repo: FakeExemptionRepository) -> None:
    await grant_days(JAN[:12], ports)
    next_year = a_day_permit(date(2027, 1, 5))
    await grant(next_year, OP, NOW, ports)

    with pytest.raises(QuotaExceeded):
        await update(next_year.exemption_id, {"day": JAN[20]}, OP, NOW, ports)
    moved = await update(
        a_day_permit(JAN[0]).exemption_id, {"day": JAN[20]}, OP, NOW, ports
    )  # within its own year: not counted twice
    assert moved.day == JAN[20]
    assert repo.exemptions[next_year.exemption_id].day == date(2027, 1, 5)


def test_the_rule_itself_counts_only_live_permits_of_that_list() -> None:
    taken = [a_day_permit(JAN[0] + timedelta(days=i)) for i in range(3)]
    ensure_day_permit_allowed("VX123B", JAN[10], "haarlem", taken, per_year=4)
    with pytest.raises(QuotaExceeded, match="3 of the 3"):
        ensure_day_permit_allowed("VX123B", JAN[10], "haarlem", taken, per_year=3)
    taken[0] = replace(taken[0], revoked=True)
    ensure_day_permit_allowed("VX123B", JAN[10], "haarlem", taken, per_year=3)
    with pytest.raises(QuotaExceeded, match="0 of the 0"):
        ensure_day_permit_allowed("VX123B", JAN[10], "haarlem", [], per_year=0)


async def test_quota_left_counts_this_years_live_day_permits_of_the_vehicle(
    ports: Ports, repo: FakeExemptionRepository
) -> None:
    await grant_days(JAN[:5], ports)
    await revoke(a_day_permit(JAN[0]).exemption_id, OP, NOW, ports)  # given back
    await grant(a_day_permit(date(2027, 1, 4)), OP, NOW, ports)  # another year
    await grant(a_day_permit(JAN[9], plate="VZ456C"), OP, NOW, ports)  # another vehicle

    use = await day_permits_used("VX123B", 2026, repo, ports.policy)

    assert (use.plate, use.year, use.municipality, use.used, use.limit, use.left) == (
        "VX123B",
        2026,
        "haarlem",
        4,
        12,
        8,
    )
    assert (await day_permits_used("VX123B", 2027, repo, ports.policy)).used == 1
    assert (await day_permits_used("AB12CD", 2026, repo, ports.policy)).left == 12


async def test_quota_left_is_never_negative_when_the_limit_was_lowered(
    ports: Ports, repo: FakeExemptionRepository
) -> None:
    await grant_days(JAN[:5], ports)

    use = await day_permits_used("VX123B", 2026, repo, replace(ports.policy, per_year=3))

    assert (use.used, use.limit, use.left) == (5, 3, 0)
