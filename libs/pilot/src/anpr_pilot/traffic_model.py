"""A synthetic traffic model fitted to aggregates only: reads per location and hour, and a vehicle mix.

Privacy: nothing here holds a plate. Volumes come from the hourly outcome counts (rules keeps only those);
the vehicle mix is a sample of the vehicle REGISTRY (public RDW data about vehicles, not about who drove
where), reweighted so that judging it under the regime in force reproduces the outcome shares counted
in the period. That is the one link between registry and traffic, and it is fitted on counts."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

VIOLATING = frozenset({"candidate", "duplicate", "observed", "pending_recheck"})
REVIEW = "not_enforceable"
EXEMPT = "exempt"
NO_HIT = "no_hit"


@dataclass(frozen=True)
class HourCount:
    """One row of rules.outcome_counts: reads of one hour at one location judged to one outcome."""

    regime_id: str
    location_id: str
    hour: datetime
    outcome: str
    count: int


@dataclass(frozen=True)
class Shares:
    """Outcome shares of the reads a regime judged, and how often a violator comes back the same day."""

    reads: int
    violating: float
    exempt: float
    review: float
    duplicate_of_violating: float  # duplicates / violating reads (0 in observe mode: no dedupe there)

    @classmethod
    def of(cls, rows: Iterable[HourCount]) -> "Shares":
        totals: dict[str, int] = defaultdict(int)
        for row in rows:
            totals[row.outcome] += row.count
        reads = sum(totals.values())
        violating = sum(totals[o] for o in VIOLATING)
        if reads == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        return cls(
            reads,
            violating / reads,
            totals[EXEMPT] / reads,
            totals[REVIEW] / reads,
            totals["duplicate"] / violating if violating else 0.0,
        )


def volumes(rows: Iterable[HourCount]) -> dict[tuple[str, datetime], int]:
    """Reads per (location, hour). Every regime in force counts every read once, so the largest regime
    total of a bucket is the number of reads judged there (reads no regime judged are not counted at all)."""
    per_regime: dict[tuple[str, datetime, str], int] = defaultdict(int)
    for row in rows:
        per_regime[row.location_id, row.hour, row.regime_id] += row.count
    found: dict[tuple[str, datetime], int] = {}
    for (location, hour, _), count in per_regime.items():
        found[location, hour] = max(found.get((location, hour), 0), count)
    return found


def weekly_profile(volume: dict[tuple[str, datetime], int], location: str) -> dict[tuple[int, int], float]:
    """Mean reads per (weekday, UTC hour) at a location: the model of hours the period did not count."""
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (where, hour), count in volume.items():
        if where == location:
            sums[hour.weekday(), hour.hour].append(count)
    return {slot: sum(counts) / len(counts) for slot, counts in sums.items()}


@dataclass(frozen=True)
class VehicleMix:
    """Weights per stratum (the baseline verdict of each sample vehicle) that reproduce the counted shares,
    and the share of would-be violators that a permit cleared (permits are not in the sample)."""

    weight: dict[str, float]  # stratum -> weight of one sample vehicle in it
    permit_share: float

    @classmethod
    def fit(cls, baseline_strata: Sequence[str], counted: Shares) -> "VehicleMix":
        n = len(baseline_strata)
        pool = {s: baseline_strata.count(s) / n for s in (VIOLATING_STRATUM, EXEMPT, NO_HIT)} if n else {}
        if not n or counted.reads == 0:
            return cls(dict.fromkeys((VIOLATING_STRATUM, EXEMPT, NO_HIT), 1.0 / max(n, 1)), 0.0)
        judged = 1.0 - counted.review  # the sample has no foreign or unknown vehicles: they are modelled apart
        v, e = counted.violating / judged, counted.exempt / judged
        # Automatic exemptions stand to violators in the traffic as in the registry (their ratio r); the rest
        # of the counted exemptions are permits: e = W_v * q + r * W_v and v = W_v * (1 - q).
        r = pool[EXEMPT] / pool[VIOLATING_STRATUM] if pool[VIOLATING_STRATUM] else 0.0
        w_violating = (v + e) / (1 + r)
        permit = (e - r * w_violating) / w_violating if w_violating else 0.0
        if permit < 0:  # fewer exemptions counted than the registry's ratio predicts: no permits, the counts rule
            permit, shares = 0.0, {VIOLATING_STRATUM: v, EXEMPT: e, NO_HIT: max(1.0 - (v + e), 0.0)}
        else:
            permit = min(permit, 1.0)
            shares = {VIOLATING_STRATUM: w_violating, EXEMPT: r * w_violating, NO_HIT: max(1.0 - (v + e), 0.0)}
        weight = {s: (shares[s] / pool[s] / n if pool[s] else 0.0) for s in shares}
        return cls(weight, permit)


VIOLATING_STRATUM = "violating"
