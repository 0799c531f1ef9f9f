"""Regime definitions as validated configuration (deploy/regimes/*.yaml)."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from anpr_contracts import RegimeMode


class ModeSwitch(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    starts: AwareDatetime = Field(description="From this moment on (reads observed at or after it).")
    mode: RegimeMode


class VehicleCriteria(BaseModel):
    """A vehicle is in scope when every given criterion matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fuels: tuple[str, ...] = Field(description="Any fuel row matching (case-insensitive) puts it in scope.")
    categories: tuple[str, ...] = Field(description="European vehicle categories in scope (M1, N1, N2...).")
    min_emission_class: int = Field(ge=0, le=6, description="Lowest emission class admitted.")


class Regime(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: str
    name: str
    kind: str = Field(pattern=r"^(milieuzone|zero_emission|closed_road|access_window|parking)$")
    legal_reference: str
    locations: tuple[str, ...] = Field(min_length=1, description="Locations where the regime applies.")
    effective_from: AwareDatetime
    effective_until: AwareDatetime | None = None
    modes: tuple[ModeSwitch, ...] = Field(min_length=1, description="Mode schedule, earliest first.")
    criteria: VehicleCriteria
    exemption_kinds: tuple[str, ...] = ()
    fine_eur: dict[str, float] = Field(default_factory=dict, description="Fine per european category.")

    def in_force(self, moment: datetime, location_id: str | None) -> bool:
        if location_id not in self.locations or moment < self.effective_from:
            return False
        return self.effective_until is None or moment < self.effective_until

    def mode_at(self, moment: datetime) -> RegimeMode | None:
        """The mode of the last switch at or before the moment: never applied retroactively."""
        current = None
        for switch in sorted(self.modes, key=lambda s: s.starts):
            if switch.starts <= moment:
                current = switch.mode
        return current
