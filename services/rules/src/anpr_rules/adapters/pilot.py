"""The rules engine seen by the what-if forecast (libs/pilot): a regime judging a sample of the registry.

The sample is of vehicles (RDW facts), never of reads: which vehicle drove where is not kept anywhere, and
the forecast fits the sample's weights to the hourly counts instead."""

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time

from anpr_contracts import PlateRecognized, ReadSource, RegimeMode
from anpr_pilot.forecast import LOCAL
from anpr_pilot.traffic_model import EXEMPT, NO_HIT, REVIEW, VIOLATING_STRATUM, HourCount
from anpr_rules.domain.decision import Outcome, judge
from anpr_rules.domain.regime import ModeSwitch, Regime
from anpr_rules.domain.vehicle import Vehicle

_STRATUM = {
    Outcome.NO_HIT: NO_HIT,
    Outcome.EXEMPT: EXEMPT,
    Outcome.CANDIDATE: VIOLATING_STRATUM,
    Outcome.NOT_ENFORCEABLE: REVIEW,  # emission class unknown: a reviewer decides, not the mix
}


def sample_vehicles(vehicles: Sequence[Vehicle], size: int, seed: int = 8) -> list[Vehicle]:
    if len(vehicles) <= size:
        return list(vehicles)
    return random.Random(seed).sample(list(vehicles), size)


class RulesRegimeView:
    def __init__(self, regime: Regime, sample: Sequence[Vehicle], zones: Mapping[str, str] | None = None) -> None:
        self.regime = regime
        # The verdict of a vehicle, whatever the mode: observe mode would fold every verdict into "observed".
        self._judging = regime.model_copy(
            update={"modes": (ModeSwitch(starts=regime.effective_from, mode=RegimeMode.ENFORCE),)}
        )
        self._sample = sample
        self._zones = dict(zones or {})
        self._strata: dict[tuple[datetime, int, int], list[str]] = {}

    @property
    def regime_id(self) -> str:
        return self.regime.id

    @property
    def reviews_unknown(self) -> bool:
        return self.regime.foreign_plates == "review" or self.regime.unknown_vehicle == "review"

    def in_force(self, moment: datetime, location_id: str) -> bool:
        return self.regime.in_force(moment, location_id, self._zones.get(location_id))

    def mode_at(self, moment: datetime) -> str | None:
        mode = self.regime.mode_at(moment)
        return None if mode is None else str(mode)

    def strata(self, day: date) -> Sequence[str]:
        """Verdicts change with the rule set and, slowly, with age (40 years, dated admissions): judged once per
        rule set and calendar month, so a year's replay judges the sample a dozen times, not 365."""
        noon = datetime.combine(day, time(12), LOCAL).astimezone(UTC)
        rule_set = self._judging.rule_set_at(noon)
        if rule_set is None or noon < self.regime.effective_from:
            return [NO_HIT] * len(self._sample)
        key = (rule_set.starts, day.year, day.month)
        if key not in self._strata:
            moment = max(noon.replace(day=1), rule_set.starts, self.regime.effective_from)
            self._strata[key] = [
                _STRATUM.get(judge(_read(vehicle, moment), self._judging, vehicle, []).outcome, NO_HIT)
                for vehicle in self._sample
            ]
        return self._strata[key]


def _read(vehicle: Vehicle, moment: datetime) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA, observed_at=moment, plate=vehicle.plate, country="NL", confidence=1.0
    )


def hour_counts(rows: Sequence[tuple[str, str, datetime, str, int]]) -> list[HourCount]:
    return [HourCount(regime, location, hour, outcome, int(count)) for regime, location, hour, outcome, count in rows]
