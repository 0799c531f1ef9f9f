"""The pilot report's figures from notices' GET /v1/stats (which merges rules' hourly outcome counts with the
candidates and decisions): aggregates only, no plate. The same figures as libs/pilot's report (outcomes per
regime, hits per location and hour, misread rate, decisions per reviewer hour, backlog), computed from the
API instead of the databases: the console holds no business data and reads none."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from anpr_console.domain.pilot import LOCAL

MAX_REPORT_DAYS = 92  # notices refuses a longer stats window
HITS = ("candidate", "observed", "not_enforceable")  # reads that broke the regime, in whatever mode


@dataclass(frozen=True)
class ReportFigures:
    outcomes: list[str]  # the outcome columns, in a stable order
    per_regime: dict[str, dict[str, int]]
    locations: list[str]
    regimes: list[str]
    reads_per_location: dict[str, int]
    hits_per_location: dict[str, dict[str, int]]  # location -> regime -> hits
    hits_per_hour: list[int]  # local hour of day 0..23
    candidates: int
    accepted: int
    rejected: dict[str, int]  # by reason
    decisions_per_day: dict[date, int]
    reviewer_hours: int  # (reviewer, hour) pairs with a decision
    backlog: dict[str, Any]
    rules_counts_available: bool
    notes: list[str] = field(default_factory=list)
    # (location, UTC hour) -> reads judged there: what a camera standing there saw.
    reads_at: dict[tuple[str, datetime], int] = field(default_factory=dict, repr=False)

    @property
    def decided(self) -> int:
        return self.accepted + sum(self.rejected.values())

    @property
    def misread_rate(self) -> float | None:
        return self.rejected.get("misread", 0) / self.decided if self.decided else None

    @property
    def decisions_per_reviewer_hour(self) -> float | None:
        return sum(self.decisions_per_day.values()) / self.reviewer_hours if self.reviewer_hours else None

    @property
    def busiest_hour(self) -> int:
        return max(self.hits_per_hour) if self.hits_per_hour else 0


def _local(value: Any) -> datetime:
    return datetime.fromisoformat(str(value)).astimezone(LOCAL)


def report_figures(stats: dict[str, Any]) -> ReportFigures:
    per_regime: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reads_at: dict[tuple[str, datetime], int] = defaultdict(int)
    hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_hour = [0] * 24
    candidates = accepted = 0
    rejected: dict[str, int] = defaultdict(int)
    for bucket in stats.get("per_hour", []):
        regime, location = str(bucket["regime_id"]), str(bucket["location_id"])
        hour = datetime.fromisoformat(str(bucket["hour"]))
        outcomes: dict[str, int] = bucket.get("outcomes", {})
        for outcome, count in outcomes.items():
            per_regime[regime][outcome] += int(count)
        # Every regime judges each read once: the busiest regime's count is the location's reads that hour.
        reads_at[location, hour] = max(reads_at[location, hour], int(bucket.get("reads_judged", 0)))
        found = sum(int(outcomes.get(o, 0)) for o in HITS)
        if found:
            hits[location][regime] += found
            per_hour[hour.astimezone(LOCAL).hour] += found
        candidates += int(bucket.get("candidates", 0))
        accepted += int(bucket.get("accepted", 0))
        for reason, count in bucket.get("rejected", {}).items():
            rejected[reason] += int(count)
    reads_per_location: dict[str, int] = defaultdict(int)
    for (location, _), count in reads_at.items():
        reads_per_location[location] += count
    per_day: dict[date, int] = defaultdict(int)
    for row in stats.get("reviewers", []):
        per_day[_local(row["hour"]).date()] += int(row["decisions"])
    available = stats.get("sources", {}).get("rules_outcome_counts", "ok") == "ok"
    outcome_names = sorted({o for counts in per_regime.values() for o in counts})
    return ReportFigures(
        outcomes=outcome_names,
        per_regime={r: dict(o) for r, o in sorted(per_regime.items())},
        locations=sorted(set(reads_per_location) | set(hits)),
        regimes=sorted(per_regime),
        reads_per_location=dict(reads_per_location),
        hits_per_location={loc: dict(r) for loc, r in hits.items()},
        hits_per_hour=per_hour,
        candidates=candidates,
        accepted=accepted,
        rejected=dict(sorted(rejected.items())),
        decisions_per_day=dict(sorted(per_day.items())),
        reviewer_hours=len(stats.get("reviewers", [])),
        backlog=dict(stats.get("backlog", {})),
        rules_counts_available=available,
        notes=[] if available else ["pilot.report.rules_unavailable"],
        reads_at=dict(reads_at),
    )


@dataclass(frozen=True)
class CameraRow:
    camera_id: str
    kind: str
    locations: tuple[str, ...]  # where it stood during the period, in order
    reads: int  # reads judged at those locations in the hours it stood there


def camera_rows(
    cameras: list[dict[str, Any]],
    placements: dict[str, list[dict[str, Any]]],
    reads_at: dict[tuple[str, datetime], int],
    since: datetime,
    until: datetime,
) -> list[CameraRow]:
    """Cameras that stood somewhere during the period (ingest's placement history), with the reads at their
    locations while they stood there, as libs/pilot's report counts them (per location: a second camera at
    the same place counts the same reads)."""
    rows = []
    for camera in sorted(cameras, key=lambda c: str(c["camera_id"])):
        stays = []
        for p in placements.get(str(camera["camera_id"]), []):
            start = datetime.fromisoformat(str(p["valid_from"]))
            end = datetime.fromisoformat(str(p["valid_until"])) if p.get("valid_until") else until
            if start < until and end > since:
                stays.append((str(p["location_id"]), max(start, since), min(end, until)))
        if not stays:
            continue
        reads = sum(n for (where, hour), n in reads_at.items() for loc, a, b in stays if where == loc and a <= hour < b)
        locations = tuple(dict.fromkeys(loc for loc, _, _ in stays))
        rows.append(CameraRow(str(camera["camera_id"]), str(camera.get("kind", "")), locations, reads))
    return rows
