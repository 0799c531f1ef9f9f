"""Regime definitions as validated, versioned configuration (deploy/regimes/*.yaml).

A regime says where it applies (locations and/or zones), when (effective dates, weekly windows in local
time), to which vehicles (date-effective rule sets: a scope and the clauses that admit a vehicle), which
exemptions count, and in which mode it runs (observe, warn, enforce) from which moment."""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from anpr_contracts import RegimeMode
from anpr_rules.domain.criteria import VehicleCriteria
from anpr_rules.domain.windows import TimeWindow, in_any

RegimeKind = Literal["milieuzone", "zero_emission", "closed_road", "access_window", "parking"]


class AutomaticExemption(StrEnum):
    """Exemptions that follow from the vehicle data, without an application."""

    AGE_40_YEARS = "age_40_years"
    WHEELCHAIR = "wheelchair"
    SPECIAL_BODY = "special_body"


class ModeSwitch(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    starts: AwareDatetime = Field(description="Applies to reads observed at or after this moment.")
    mode: RegimeMode


class Where(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    locations: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _somewhere(self) -> "Where":
        if not self.locations and not self.zones:
            raise ValueError("applies_at needs at least one location or zone")
        return self

    def covers(self, location_id: str | None, zone_id: str | None) -> bool:
        return (location_id is not None and location_id in self.locations) or (
            zone_id is not None and zone_id in self.zones
        )


class RuleSet(BaseModel):
    """From `starts` on: vehicles in `scope` break the regime unless one `admitted` clause matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts: AwareDatetime
    scope: VehicleCriteria = VehicleCriteria()
    admitted: tuple[VehicleCriteria, ...] = ()


class Regime(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    name: str
    kind: RegimeKind
    legal_reference: str
    sign: str | None = Field(default=None, description="Road sign that must be on the photo (C-signs).")
    applies_at: Where
    effective_from: AwareDatetime
    effective_until: AwareDatetime | None = None
    windows: tuple[TimeWindow, ...] = Field(default=(), description="When the restriction applies; empty = always.")
    modes: tuple[ModeSwitch, ...] = Field(min_length=1)
    rule_sets: tuple[RuleSet, ...] = Field(min_length=1)
    exemption_kinds: tuple[str, ...] = ()
    automatic_exemptions: tuple[AutomaticExemption, ...] = ()
    # The RDW bijzonderheid codes that mark a wheelchair vehicle differ per regime (domain notes §2).
    wheelchair_codes: tuple[str, ...] = ("145", "146", "147", "149")
    foreign_plates: Literal["review", "enforce", "ignore"] = "review"
    unknown_vehicle: Literal["review", "ignore"] = "review"
    max_stay_per_day: timedelta | None = Field(default=None, description="Permit holders: at most this per day.")
    recheck_after: timedelta | None = Field(default=None, description="Parking: grace before a right is final.")
    dedupe_per: Literal["day", "read"] = Field(default="day", description="One candidate per vehicle per ...")
    fine_eur: dict[str, float] = Field(default_factory=dict, description="Fine per European category.")
    default_fine_eur: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Regime":
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise ValueError("effective_until must be after effective_from")
        if self.max_stay_per_day is not None and self.kind != "access_window":
            raise ValueError("max_stay_per_day is for access_window regimes")
        if self.recheck_after is not None and self.kind != "parking":
            raise ValueError("recheck_after is for parking regimes")
        return self

    def in_force(self, moment: datetime, location_id: str | None, zone_id: str | None = None) -> bool:
        if not self.applies_at.covers(location_id, zone_id) or moment < self.effective_from:
            return False
        if self.effective_until is not None and moment >= self.effective_until:
            return False
        return in_any(self.windows, moment) and self.rule_set_at(moment) is not None

    def mode_at(self, moment: datetime) -> RegimeMode | None:
        """The mode of the last switch at or before the moment: a switch never applies retroactively."""
        current = None
        for switch in sorted(self.modes, key=lambda s: s.starts):
            if switch.starts <= moment:
                current = switch.mode
        return current

    def rule_set_at(self, moment: datetime) -> RuleSet | None:
        current = None
        for rule_set in sorted(self.rule_sets, key=lambda r: r.starts):
            if rule_set.starts <= moment:
                current = rule_set
        return current

    def fine_for(self, category: str | None) -> float | None:
        return self.fine_eur.get(category or "", self.default_fine_eur)
