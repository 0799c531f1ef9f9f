"""Wall-clock rules in the municipality's time zone. Daily windows and day permits are defined in local
time; zoneinfo turns them into instants, so DST changes need no special cases here."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The contract (`ExemptionChanged.daily_from`) fixes Amsterdam time for every consumer.
LOCAL = ZoneInfo("Europe/Amsterdam")


def local_clock(moment: datetime) -> time:
    """The time a clock on the wall in Amsterdam shows at `moment` (naive)."""
    return moment.astimezone(LOCAL).time()


def in_daily_window(moment: datetime, start: time, end: time) -> bool:
    """`start <= clock < end`; a window whose end is before its start runs past midnight (22:00-02:00).

    Judged on the wall clock, as signs and permit texts mean it: on the last Sunday of March 02:00-03:00
    does not exist, so a window containing that hour (01:00-04:00) is one real hour shorter; on the last
    Sunday of October 02:00-03:00 happens twice and such a window is one hour longer. A 22:00-02:00
    window ends just before the change and keeps its four hours.
    """
    clock = local_clock(moment)
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def day_permit_validity(day: date, ends_next_day_at: time) -> tuple[datetime, datetime]:
    """A ZE day permit for `day`: from local midnight until `ends_next_day_at` the next morning (in UTC)."""
    start = datetime.combine(day, time(0), LOCAL)
    end = datetime.combine(day + timedelta(days=1), ends_next_day_at, LOCAL)
    return start.astimezone(UTC), end.astimezone(UTC)
