"""Vehicle criteria of regimes: which vehicles a rule set covers and which it admits."""

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.vehicle import Vehicle

ZERO_EMISSION_FUELS = frozenset({"elektriciteit", "waterstof"})
# RVV 1990 art. 1: a motorvoertuig is every motorised vehicle except mopeds (bromfietsen, snorfietsen
# included), motorised invalid carriages and pedal-assisted bicycles. Of those only the moped has an RDW
# voertuigsoort; the others have no plate. Trailers are not motorised: the vehicle pulling one is judged
# on its own plate.
NOT_MOTOR_VEHICLE_KINDS = frozenset(
    {
        "bromfiets",
        "aanhangwagen",
        "oplegger",
        "middenasaanhangwagen",
        "autonome aanhangwagen",
        "land- of bosbouwaanhangwagen",
    }
)


class VehicleCriteria(BaseModel):
    """Every given criterion must match; an empty criteria set matches every vehicle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: tuple[str, ...] = Field(default=(), description="European categories (M1, N1, N2, N3...).")
    kinds: tuple[str, ...] = Field(default=(), description="RDW voertuigsoort (Personenauto, Bedrijfsauto...).")
    not_kinds: tuple[str, ...] = Field(default=(), description="RDW voertuigsoort that is excluded.")
    motor_vehicle: bool | None = Field(
        default=None, description="True: motor vehicles of RVV 1990 art. 1 only (no mopeds, no trailers)."
    )
    fuels_any: tuple[str, ...] = Field(default=(), description="At least one fuel row is one of these.")
    zero_emission: bool | None = Field(default=None, description="True: every fuel is electricity/hydrogen.")
    min_emission_class: int | None = Field(default=None, ge=0, le=6)
    max_emission_class: int | None = Field(default=None, ge=0, le=6)
    first_admission_from: date | None = Field(default=None, description="DET on or after this date.")
    first_admission_before: date | None = Field(default=None, description="DET before this date.")
    min_mass_kg: int | None = Field(default=None, description="Maximum permitted mass at least this.")
    max_mass_kg: int | None = Field(default=None, description="Maximum permitted mass at most this.")
    inrichting_any: tuple[str, ...] = Field(default=(), description="RDW inrichting, e.g. opleggertrekker.")
    not_inrichting: tuple[str, ...] = Field(default=(), description="RDW inrichting that is excluded.")
    until: AwareDatetime | None = Field(default=None, description="Transitional: matches only before this.")

    @property
    def needs_vehicle_data(self) -> bool:
        return bool(self.model_dump(exclude_defaults=True, exclude={"until"}))

    def matches(self, vehicle: Vehicle, moment: datetime) -> tuple[bool, str]:
        """(matches, the first reason it does not). Checks stop at the first miss: this is the hot path."""
        if self.until is not None and moment >= self.until:
            return False, f"transitional admission ended {self.until.date()}"
        if self.categories and vehicle.category not in self.categories:
            return False, f"category {vehicle.category}"
        if self.kinds and vehicle.kind not in self.kinds:
            return False, f"vehicle kind {vehicle.kind}"
        if vehicle.kind.lower() in _lower(self.not_kinds):
            return False, f"vehicle kind {vehicle.kind}"
        if self.motor_vehicle is not None and is_motor_vehicle(vehicle) != self.motor_vehicle:
            return False, f"{vehicle.kind} is {'not ' if self.motor_vehicle else ''}a motor vehicle (RVV 1990 art. 1)"
        if self.fuels_any and not _any_fuel(vehicle, self.fuels_any):
            return False, f"fuel {'/'.join(vehicle.fuels) or 'unknown'}"
        if self.zero_emission is not None and _is_zero_emission(vehicle) != self.zero_emission:
            return False, "zero emission" if self.zero_emission is False else "not zero emission"
        if not _class_within(vehicle, self.min_emission_class, self.max_emission_class):
            return False, _class_text(vehicle)
        if not _date_within(vehicle.first_admission, self.first_admission_from, self.first_admission_before):
            return False, f"first admission {vehicle.first_admission}"
        if not _within(vehicle.max_mass_kg, self.min_mass_kg, self.max_mass_kg):
            return False, f"mass {vehicle.max_mass_kg} kg"
        inrichting = (vehicle.inrichting or "").lower()
        if (self.inrichting_any and inrichting not in _lower(self.inrichting_any)) or (
            inrichting in _lower(self.not_inrichting)
        ):
            return False, f"inrichting {vehicle.inrichting}"
        return True, ""

    def undecided(self, vehicle: Vehicle, moment: datetime) -> str | None:
        """The fact the registry lacks when only that fact keeps the vehicle from matching: a truck without
        a known mass may well be over the limit, so it goes to a human instead of out of scope."""
        missing: list[str] = []
        ignored: dict[str, None] = {}
        if (self.min_mass_kg is not None or self.max_mass_kg is not None) and vehicle.max_mass_kg is None:
            missing.append("mass unknown")
            ignored |= {"min_mass_kg": None, "max_mass_kg": None}
        needs_class = self.min_emission_class is not None or self.max_emission_class is not None
        if needs_class and emission_class(vehicle) is None:
            missing.append("emission class unknown")
            ignored |= {"min_emission_class": None, "max_emission_class": None}
        if not missing or not self.model_copy(update=ignored).matches(vehicle, moment)[0]:
            return None
        return ", ".join(missing)


def is_motor_vehicle(vehicle: Vehicle) -> bool:
    return vehicle.kind.lower() not in NOT_MOTOR_VEHICLE_KINDS


def _lower(values: tuple[str, ...]) -> set[str]:
    return {v.lower() for v in values}


def _any_fuel(vehicle: Vehicle, fuels: tuple[str, ...]) -> bool:
    return bool(_lower(vehicle.fuels) & _lower(fuels))


def _is_zero_emission(vehicle: Vehicle) -> bool:
    return bool(vehicle.fuels) and _lower(vehicle.fuels) <= ZERO_EMISSION_FUELS


def _class_within(vehicle: Vehicle, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    klass = emission_class(vehicle)
    return klass is not None and _within(klass, low, high)


def _class_text(vehicle: Vehicle) -> str:
    klass = emission_class(vehicle)
    return "emission class unknown" if klass is None else f"emission class {klass}"


def _within(value: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _date_within(value: date | None, start: date | None, before: date | None) -> bool:
    if start is None and before is None:
        return True
    return value is not None and (start is None or value >= start) and (before is None or value < before)
