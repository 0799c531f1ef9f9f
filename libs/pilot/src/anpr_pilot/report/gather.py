"""The report's figures, read straight from the services' PostgreSQL schemas in one READ ONLY transaction.

Why SQL and not the APIs: the report needs per-camera minute counts, a confidence histogram and decision
timestamps over the whole pilot, and the APIs either cap the window (notices' stats: 92 days) or hand out
candidates with their plates (audited personal data). Every query here is a GROUP BY that selects no plate
column, in a transaction PostgreSQL itself holds read-only, so the report can neither leak nor change."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from anpr_pilot.forecast import LOCAL
from anpr_pilot.report.data import CameraFigures, PilotData

OUTCOMES = (
    "SELECT regime_id, location_id, hour, outcome, count FROM rules.outcome_counts WHERE hour >= :s AND hour < :u"
)
PLACEMENTS = (
    "SELECT p.camera_id, c.kind, p.location_id, p.valid_from, p.valid_until FROM ingest.placements p JOIN "
    "ingest.cameras c USING (camera_id) WHERE p.valid_from < :u AND (p.valid_until IS NULL OR "
    "p.valid_until > :s) ORDER BY p.camera_id, p.valid_from"
)
MINUTES = (
    "SELECT camera_id, count(DISTINCT minute), sum(frames), min(minute) FROM ingest.camera_minutes WHERE "
    "outcome = 'accepted' AND minute >= :s AND minute < :u GROUP BY camera_id"
)
CONFIDENCE = (
    "SELECT width_bucket(confidence, 0, 1.0000001, 20), count(*) FROM notices.candidates WHERE "
    "observed_at >= :s AND observed_at < :u GROUP BY 1"
)
DECIDED = (
    "SELECT count(DISTINCT candidate_id), count(DISTINCT candidate_id) FILTER (WHERE reason = 'misread' "
    "OR corrected_plate IS NOT NULL) FROM notices.decisions WHERE at >= :s AND at < :u"
)
PER_DAY = (
    "SELECT (at AT TIME ZONE 'Europe/Amsterdam')::date, count(*), count(DISTINCT (by, date_trunc('hour', "
    "at))) FROM notices.decisions WHERE at >= :s AND at < :u GROUP BY 1"
)
BACKLOG = (
    "SELECT status, count(*), min(created_at) FROM notices.candidates WHERE status IN ('pending', "
    "'awaiting_second_review', 'reevaluating') GROUP BY status"
)
PERMITS = (
    "SELECT kind, count(*) FROM exemptions.exemptions WHERE NOT revoked AND valid_from < :u AND "
    "(valid_until IS NULL OR valid_until > :s) GROUP BY kind"
)


async def gather(database_url: str, since: datetime, until: datetime, now: datetime) -> PilotData:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SET TRANSACTION READ ONLY"))
            return await _gather(connection, since, until, now)
    finally:
        await engine.dispose()


async def _rows(connection: AsyncConnection, query: str, since: datetime, until: datetime) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(row) for row in await connection.execute(text(query), {"s": since, "u": until})]


async def _gather(connection: AsyncConnection, since: datetime, until: datetime, now: datetime) -> PilotData:
    outcomes = await _rows(connection, OUTCOMES, since, until)
    placements = await _rows(connection, PLACEMENTS, since, until)
    minutes = {
        camera: (n, frames, first) for camera, n, frames, first in await _rows(connection, MINUTES, since, until)
    }
    notes: list[str] = []
    reads_at: dict[tuple[str, datetime], int] = defaultdict(int)
    per_regime: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hits: dict[tuple[str, str, int], int] = defaultdict(int)
    per_bucket: dict[tuple[str, datetime, str], int] = defaultdict(int)
    for regime, location, hour, outcome, count in outcomes:
        per_regime[regime][outcome] += count
        per_bucket[location, hour, regime] += count
        if outcome in ("candidate", "observed", "not_enforceable"):
            hits[regime, location, hour.astimezone(LOCAL).hour] += count
    for (location, hour, _), count in per_bucket.items():
        reads_at[location, hour] = max(reads_at[location, hour], count)  # every regime counts each read once
    reads_per_location: dict[str, int] = defaultdict(int)
    for (location, _), count in reads_at.items():
        reads_per_location[location] += count
    cameras = _cameras(placements, minutes, reads_at, since, until, notes)
    confidence = [((b - 1) / 20, b / 20, n) for b, n in sorted(await _rows(connection, CONFIDENCE, since, until))]
    [(decided, misreads)] = await _rows(connection, DECIDED, since, until)
    per_day = await _rows(connection, PER_DAY, since, until)
    backlog_rows = await _rows(connection, BACKLOG, since, until)
    oldest = min((first for _, _, first in backlog_rows), default=None)
    return PilotData(
        since=since,
        until=until,
        cameras=cameras,
        reads_per_location=dict(reads_per_location),
        hits=[(r, loc, h, n) for (r, loc, h), n in sorted(hits.items())],
        outcomes_per_regime={r: dict(o) for r, o in per_regime.items()},
        confidence_bins=confidence,
        decided=int(decided or 0),
        misreads=int(misreads or 0),
        decisions_per_day={d: int(n) for d, n, _ in per_day if isinstance(d, date)},
        reviewer_hours=sum(int(h) for _, _, h in per_day),
        backlog={status: int(n) for status, n, _ in backlog_rows},
        oldest_waiting_hours=None if oldest is None else (now - oldest).total_seconds() / 3600,
        exemptions_by_kind={kind: int(n) for kind, n in await _rows(connection, PERMITS, since, until)},
        exempt_reads_per_regime={r: o.get("exempt", 0) for r, o in per_regime.items()},
        notes=notes,
    )


def _cameras(
    placements: list[tuple],  # type: ignore[type-arg]
    minutes: dict[str, tuple[int, int, datetime]],
    reads_at: dict[tuple[str, datetime], int],
    since: datetime,
    until: datetime,
    notes: list[str],
) -> list[CameraFigures]:
    stood: dict[str, list[tuple[str, datetime, datetime]]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for camera, kind, location, valid_from, valid_until in placements:
        kinds[camera] = kind
        stood[camera].append((location, max(valid_from, since), min(valid_until or until, until)))
    found = []
    for camera, stays in sorted(stood.items()):
        reads = sum(n for (loc, hour), n in reads_at.items() for where, a, b in stays if where == loc and a <= hour < b)
        measured_minutes, frames, first_minute = minutes.get(camera, (0, 0, None))
        uptime, source = None, "frames"
        if first_minute is not None:
            # Camera health keeps its minutes only for days (ingest's retention): uptime over what is kept.
            placed = sum((b - max(a, first_minute)).total_seconds() / 60 for _, a, b in stays if b > first_minute)
            uptime = min(measured_minutes / placed, 1.0) if placed > 0 else None
            if first_minute > since.replace(second=0, microsecond=0):
                notes.append(f"{camera}: uptime from {first_minute:%Y-%m-%d %H:%M} on (camera health retention).")
        else:  # a source that sends reads, not frames: the hours its location delivered any read while placed
            # (counts are per location, so a second camera at the same place would count here too)
            placed_hours = sum(int((b - a).total_seconds() // 3600) for _, a, b in stays)
            active = sum(1 for (loc, hour) in reads_at for where, a, b in stays if where == loc and a <= hour < b)
            uptime, source = (min(active / placed_hours, 1.0), "reads") if placed_hours else (None, "reads")
        found.append(
            CameraFigures(
                camera,
                kinds[camera],
                tuple(dict.fromkeys(s[0] for s in stays)),
                int(frames or 0),
                reads,
                uptime,
                source,
            )
        )
    return found
