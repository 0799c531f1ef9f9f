"""What the forecast's expected exemption requests are projected from.

The forecast counts, per day, the vehicles a proposed regime newly catches and multiplies them by a
request rate: the share of affected vehicles that ask for an exemption. That rate comes, in this order,
from

- `applications`: the permit counter's real applications (exemptions' per-day counts) against the
  candidates the regimes raised in the same window: of the vehicles the regimes touched (caught, or
  asked first), the share that asked, `applications / (applications + candidates)`;
- `configured`: the rate the planner gave, while the counter has received no application yet;
- `permit_share`: neither: the share of the counted traffic that holds a permit (fitted by the forecast).

The result names its source, so a forecast says what its exemption requests rest on."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Source = Literal["applications", "configured", "permit_share"]
RAISED = ("candidate", "not_enforceable")  # notices' outcomes that are a candidate raised (as actual_candidates)


@dataclass(frozen=True)
class ObservedApplications:
    """The counter's applications and the regimes' candidates over one window."""

    since: datetime
    until: datetime
    applications: int
    candidates: int
    per_kind: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestRate:
    rate: float | None  # per newly affected candidate; None: the forecast's fitted permit share
    source: Source
    observed: ObservedApplications | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.source, "rate": None if self.rate is None else round(self.rate, 4)}
        if self.observed is not None:
            seen = self.observed
            found |= {
                "since": seen.since.isoformat(),
                "until": seen.until.isoformat(),
                "applications": seen.applications,
                "candidates": seen.candidates,
                "per_kind": dict(seen.per_kind),
            }
        return found

    def describe(self) -> str:
        """One line for a person: what the expected exemption requests rest on."""
        seen = self.observed
        if self.source == "applications" and seen is not None and self.rate is not None:
            return (
                f"exemption requests projected from {seen.applications} applications at the counter against "
                f"{seen.candidates} candidates ({seen.since.date()} - {seen.until.date()}): "
                f"{self.rate:.1%} of affected vehicles ask"
            )
        none_yet = "no applications at the counter yet" if seen is not None else "the counter's count unavailable"
        if self.source == "configured" and self.rate is not None:
            return f"exemption requests projected from the configured rate {self.rate:.1%} ({none_yet})"
        return f"exemption requests projected from the fitted permit share ({none_yet}, no rate configured)"


def request_rate(observed: ObservedApplications | None, configured: float | None) -> RequestRate:
    """`observed`: None when the counter could not say (then as if it had no applications)."""
    if observed is not None and observed.applications > 0:
        rate = observed.applications / (observed.applications + observed.candidates)
        return RequestRate(rate, "applications", observed)
    if configured is not None:
        return RequestRate(configured, "configured", observed)
    return RequestRate(None, "permit_share", observed)


def raised_candidates(stats: Mapping[str, Any]) -> int:
    """Candidates raised over the window of notices' GET /v1/stats (every regime, every location)."""
    return sum(
        int(n) for bucket in stats.get("per_hour", []) for o, n in bucket.get("outcomes", {}).items() if o in RAISED
    )


def observed_applications(
    counts: Mapping[str, Any], stats: Mapping[str, Any], since: datetime, until: datetime
) -> ObservedApplications:
    """From exemptions' GET /v1/counter/application-counts and notices' GET /v1/stats over the same window."""
    per_kind = {str(kind): int(n) for kind, n in counts.get("per_kind", {}).items()}
    return ObservedApplications(since, until, int(counts.get("total", 0)), raised_candidates(stats), per_kind)
