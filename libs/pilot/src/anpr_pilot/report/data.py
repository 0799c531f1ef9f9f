"""What the pilot report shows: aggregates only. No field can hold a plate."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class CameraFigures:
    camera_id: str
    kind: str
    locations: tuple[str, ...]
    frames_accepted: int
    reads: int  # reads judged at its locations while it stood there
    uptime: float | None  # share of minutes with an accepted frame while placed (None: not measured)
    # "frames": minutes with an accepted frame; "reads": hours with a read (sources that send no frames)
    uptime_source: str = "frames"

    @property
    def capture_rate(self) -> float | None:
        """Reads per accepted frame (None for sources that send reads, not frames)."""
        return self.reads / self.frames_accepted if self.frames_accepted else None


@dataclass(frozen=True)
class PilotData:
    since: datetime
    until: datetime
    cameras: list[CameraFigures]
    reads_per_location: dict[str, int]
    hits: list[tuple[str, str, int, int]]  # (regime, location, local hour of day, candidates + observed + review)
    outcomes_per_regime: dict[str, dict[str, int]]
    confidence_bins: list[tuple[float, float, int]]  # (from, to, candidates) of recognition confidence
    decided: int
    misreads: int  # rejected as misread or corrected by a reviewer
    decisions_per_day: dict[date, int]
    reviewer_hours: int  # (reviewer, hour) pairs with at least one decision
    backlog: dict[str, int]
    oldest_waiting_hours: float | None
    exemptions_by_kind: dict[str, int]  # permits valid at some moment of the period
    exempt_reads_per_regime: dict[str, int]
    notes: list[str] = field(default_factory=list)  # what could not be measured, and why

    @property
    def regimes(self) -> list[str]:
        return sorted(set(self.outcomes_per_regime) | {regime for regime, _, _, _ in self.hits})

    @property
    def hits_per_location(self) -> dict[str, dict[str, int]]:
        """location -> regime -> hits over the period."""
        found: dict[str, dict[str, int]] = {}
        for regime, location, _, count in self.hits:
            found.setdefault(location, {})
            found[location][regime] = found[location].get(regime, 0) + count
        return found

    @property
    def misread_rate(self) -> float | None:
        return self.misreads / self.decided if self.decided else None

    @property
    def decisions_per_reviewer_hour(self) -> float | None:
        return sum(self.decisions_per_day.values()) / self.reviewer_hours if self.reviewer_hours else None
