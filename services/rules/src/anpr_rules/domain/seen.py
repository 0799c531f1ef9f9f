"""What judging asks of one read and of its vehicle, worked out once per read and shared by every regime
in force (ten regimes asked the same lower-cased fuels, emission class and local date ten times before)."""

from datetime import date, datetime

from anpr_contracts import PlateRecognized
from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import AMSTERDAM


class Moment:
    """The read and its moment: as a POSIX timestamp (comparing floats instead of aware datetimes with
    different offsets; exact to the microsecond for these dates), and in local time when a window or an
    age asks for it."""

    __slots__ = ("_local", "foreign", "read", "ts")

    def __init__(self, read: PlateRecognized) -> None:
        self.read = read
        self.ts = read.observed_at.timestamp()
        self.foreign = read.country is not None and read.country != "NL"
        self._local: datetime | None = None

    @property
    def local(self) -> datetime:
        if self._local is None:
            self._local = self.read.observed_at.astimezone(AMSTERDAM)
        return self._local

    @property
    def local_date(self) -> date:
        return self.local.date()


class Seen:
    """A registered vehicle as the criteria read it: lower-cased names, its fuels as a set, its emission
    class (registered or derived) and the facts a reviewer is shown."""

    __slots__ = ("_facts", "fuels", "inrichting", "kind", "klass", "vehicle")

    def __init__(self, vehicle: Vehicle) -> None:
        self.vehicle = vehicle
        self.kind = vehicle.kind.lower()
        self.fuels = frozenset(f.lower() for f in vehicle.fuels)
        self.klass = emission_class(vehicle)
        self.inrichting = (vehicle.inrichting or "").lower()
        self._facts: str | None = None

    @property
    def facts(self) -> str:
        if self._facts is None:
            v, klass = self.vehicle, self.klass
            self._facts = (
                f"{v.kind} {v.category or '?'}, {'/'.join(v.fuels) or 'fuel unknown'}, "
                f"emission class {klass if klass is not None else 'unknown'}, first admission {v.first_admission}"
            )
        return self._facts
