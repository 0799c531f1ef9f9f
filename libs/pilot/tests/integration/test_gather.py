"""The pilot report's figures, gathered from the real services' schemas (made by their own migrations)."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from anpr_exemptions import SPEC as EXEMPTIONS
from anpr_ingest import SPEC as INGEST
from anpr_notices import SPEC as NOTICES
from anpr_pilot.report.gather import gather
from anpr_pilot.report.render import render_html
from anpr_rules import SPEC as RULES
from anpr_runtime.db import create_engine, run_migrations

PLATE = "ZZ999Z"  # on every candidate: must never reach the report


async def _seed(url: str, since: datetime, tag: str) -> None:
    for spec in (INGEST, RULES, NOTICES, EXEMPTIONS):
        await run_migrations(url, spec.migrations_dir, spec.schema)
    engine = create_engine(url)
    cam, loc_a, loc_b = f"cam-{tag}", f"loc-a-{tag}", f"loc-b-{tag}"
    middle = since + timedelta(days=3)
    statements: list[tuple[str, Any]] = [
        ("INSERT INTO ingest.cameras VALUES (:c, 'rotating', '', :t)", {"c": cam, "t": since}),
        *[
            ("INSERT INTO ingest.locations (location_id, name, regimes) VALUES (:l, :l, '{mz}')", {"l": loc})
            for loc in (loc_a, loc_b)
        ],
        (
            "INSERT INTO ingest.placements (camera_id, location_id, valid_from, valid_until) VALUES (:c, :l, :f, :u)",
            [
                {"c": cam, "l": loc_a, "f": since, "u": middle},
                {"c": cam, "l": loc_b, "f": middle, "u": since + timedelta(days=7)},
            ],
        ),
        (  # frames in 3,000 of the week's 10,080 minutes
            "INSERT INTO ingest.camera_minutes VALUES (:c, :m, 'accepted', 2)",
            [{"c": cam, "m": since + timedelta(minutes=3 * n)} for n in range(3000)],
        ),
        (
            "INSERT INTO rules.outcome_counts VALUES ('mz', :l, :h, :o, :n)",
            [
                {"l": loc, "h": since + timedelta(hours=h), "o": o, "n": n}
                for loc, hours in ((loc_a, range(0, 72)), (loc_b, range(72, 168)))
                for h in hours
                for o, n in (("no_hit", 20), ("candidate", 1), ("exempt", 1))
            ],
        ),
        (
            "INSERT INTO exemptions.exemptions (exemption_id, plate, kind, regimes, valid_from, reference, issuer,"
            " revoked) VALUES (:i, :p, :k, '{mz}', :f, 'r', 'i', false)",
            [{"i": f"ex-{tag}-{n}", "p": PLATE, "k": f"kind-{tag}", "f": since} for n in range(3)],
        ),
    ]
    candidates = [uuid.uuid4() for _ in range(10)]
    statements.append(
        (
            "INSERT INTO notices.candidates (candidate_id, candidate_key, status, regime_id, regime_version, mode,"
            " legal_reference, plate, confidence, observed_at, location_id, explanation, vehicle, correlation_id,"
            " created_at, retention_from) VALUES (:i, :k, :s, 'mz', '1', 'warn', 'x', :p, :c, :t, :l, '[]', '{}',"
            " 'c', :t, :t)",
            [
                {
                    "i": cid,
                    "k": f"{tag}-{n}",
                    "s": "pending" if n >= 8 else "warning_issued",
                    "p": PLATE,
                    "c": 0.55 + n / 25,
                    "t": since + timedelta(hours=5 * n),
                    "l": loc_a,
                }
                for n, cid in enumerate(candidates)
            ],
        )
    )
    statements.append(
        (
            'INSERT INTO notices.decisions (candidate_id, at, "by", decision, reason, corrected_plate)'
            " VALUES (:i, :t, :b, :d, :r, :p)",
            [
                {
                    "i": cid,
                    "t": since + timedelta(hours=5 * n + 1),
                    "b": f"boa-{tag}",
                    "d": "reject" if n < 2 else "accept",
                    "r": "misread" if n < 2 else None,
                    "p": "ZZ999Y" if n == 0 else None,
                }
                for n, cid in enumerate(candidates[:8])
            ],
        )
    )
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                await connection.execute(text(statement), values)
    finally:
        await engine.dispose()


async def test_the_report_figures_come_from_the_schemas_read_only_and_without_plates(infra: dict[str, str]) -> None:
    url = infra["DATABASE_URL"]
    since = datetime(2019, 1, 7, tzinfo=UTC) + timedelta(weeks=random.Random().randrange(150))  # a week of its own
    tag = uuid.uuid4().hex[:8]
    await _seed(url, since, tag)

    data = await gather(url, since, since + timedelta(days=7), now=since + timedelta(days=8))

    [camera] = [c for c in data.cameras if c.camera_id == f"cam-{tag}"]
    assert camera.locations == (f"loc-a-{tag}", f"loc-b-{tag}")
    assert camera.reads == 168 * 22  # both stays, every outcome of the one regime
    assert camera.frames_accepted == 6000
    assert abs((camera.uptime or 0) - 3000 / 10080) < 0.01
    assert data.reads_per_location[f"loc-a-{tag}"] == 72 * 22
    assert data.decided == 8
    assert data.misreads == 2
    assert sum(n for _, _, n in data.confidence_bins) == 10
    assert sum(data.decisions_per_day.values()) == 8
    assert data.exemptions_by_kind[f"kind-{tag}"] == 3
    assert data.backlog["pending"] >= 2
    html = render_html(data)
    assert PLATE not in html
    assert PLATE not in repr(data)
