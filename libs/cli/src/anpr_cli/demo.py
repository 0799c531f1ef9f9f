"""`anpr demo`: infrastructure, all five services, sample traffic through the whole pipeline, a summary."""

import os
import re
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from anpr_cli import infra
from anpr_cli.camera import Replayer
from anpr_cli.paths import PORTS, SERVICES, load_run_env, repo_root, run_dir

console = Console()
REGIME = "milieuzone-centrum"
REGIMES = [REGIME, "ze-zone-centrum"]  # both apply in zone centrum (deploy/regimes)
CAMERAS = (("cam-centrum-1", "fixed", "loc-centrum-noord"), ("cam-rotating-1", "rotating", "loc-centrum-zuid"))
LOCATIONS = (("loc-centrum-noord", "Centrum, Nieuwe Gracht"), ("loc-centrum-zuid", "Centrum, Raamvest"))
EXEMPT_PLATE = "ZDPB67"  # a resident's permit in the demo registry
DEMO_FPS = 5.0  # per camera, as a gateway would send them


def _url(service: str, path: str) -> str:
    return f"http://127.0.0.1:{PORTS[service]}{path}"


def _post(client: httpx.Client, service: str, path: str, body: Mapping[str, object]) -> None:
    response = client.post(_url(service, path), json=body)
    if response.status_code not in (200, 201, 409):  # 409: seeded by an earlier demo run
        raise typer.BadParameter(f"{service} {path}: {response.status_code} {response.text}")


def _seed(client: httpx.Client) -> None:
    for location_id, name in LOCATIONS:
        location = {"location_id": location_id, "name": name, "regimes": REGIMES, "zone_id": "centrum"}
        _post(client, "ingest", "/v1/locations", location)
    for camera_id, kind, location_id in CAMERAS:
        _post(client, "ingest", "/v1/cameras", {"camera_id": camera_id, "kind": kind})
        if not client.get(_url("ingest", f"/v1/cameras/{camera_id}/placements")).json():
            placement = {"location_id": location_id, "valid_from": "2026-01-01T00:00:00+01:00"}
            _post(client, "ingest", f"/v1/cameras/{camera_id}/placements", placement)
    check = client.get(
        _url("exemptions", "/v1/check"),
        params={"plate": EXEMPT_PLATE, "regime": REGIME, "at": datetime.now(UTC).isoformat()},
    ).json()
    if not check["exempt"]:
        permit = {
            "plate": EXEMPT_PLATE,
            "kind": "resident",
            "regimes": [REGIME],
            "valid_from": "2026-01-01T00:00:00+01:00",
            "reference": "DEMO-2026-0001",
            "issuer": "Gemeente (demo)",
        }
        _post(client, "exemptions", "/v1/exemptions", permit)


def _replay(token: str, frames: list[Path]) -> int:
    """The sample frames through the gateway simulator (`anpr camera replay`), alternating the two cameras."""
    posted = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=_url("ingest", ""), headers=headers, timeout=30) as client:
        for n, (camera_id, _, _) in enumerate(CAMERAS):
            mine = frames[n :: len(CAMERAS)]
            tally = Replayer(client, camera_id, fps=DEMO_FPS).run(track(mine, description=f"replaying to {camera_id}"))
            if tally.exit_code:
                raise typer.BadParameter(f"ingest refused frames of {camera_id}: {dict(tally.reasons)}")
            posted += tally.accepted
    return posted


def metric_sum(client: httpx.Client, service: str, name: str, by: str) -> dict[str, float]:
    """A Prometheus counter's values summed per value of one label."""
    totals: dict[str, float] = {}
    for line in client.get(_url(service, "/metrics")).text.splitlines():
        match = re.match(rf"^{name}_total\{{(.*)\}} ([0-9.e+]+)$", line)
        if match:
            label = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1))).get(by, "")
            totals[label] = totals.get(label, 0.0) + float(match.group(2))
    return totals


def _wait_for_pipeline(client: httpx.Client, frames_posted: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    with console.status("waiting for recognition, rules and notices to finish"):
        while time.monotonic() < deadline:
            done = sum(metric_sum(client, "recognition", "anpr_recognition_frames", by="outcome").values())
            if done >= frames_posted:
                break
            time.sleep(1)
        time.sleep(3)  # rules and notices follow within a second or two


def demo(
    frames_dir: Annotated[Path | None, typer.Option(help="JPEG frames to replay (default deploy/demo/frames)")] = None,
) -> None:
    """Start everything, replay the sample frames and print what came through; leaves it all running."""
    infra.up()
    load_run_env()
    # The registry first: rules loads it into memory when it starts.
    root = repo_root()
    rdw = root / "deploy" / "demo" / "rdw"
    from anpr_cli.main import vehicles_import

    vehicles_import(
        base=rdw / "voertuigen.csv",
        fuel=rdw / "brandstof.csv",
        special=[rdw / "bijzonderheden.csv"],
        body=[rdw / "carrosserie.csv", rdw / "carrosserie_specifiek.csv"],
    )
    for service in SERVICES:
        infra.start_service(service)
    with console.status("waiting for the five services to be ready"):
        infra.wait_ready()
    frames = sorted((frames_dir or root / "deploy" / "demo" / "frames").glob("*.jpg"))
    token = os.environ["ANPR_ADMIN_TOKEN"]
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        # Rules may have been running already (an earlier demo): swap the imported registry in.
        reloaded = client.post(_url("rules", "/v1/vehicles/reload"))
        if reloaded.status_code != 200:
            raise typer.BadParameter(f"rules did not reload the registry: {reloaded.status_code} {reloaded.text}")
        _seed(client)
        recognised_before = sum(metric_sum(client, "recognition", "anpr_recognition_frames", by="outcome").values())
        posted = _replay(token, frames)
        _wait_for_pipeline(client, int(recognised_before) + posted)
        _summary(client, posted)


def _summary(client: httpx.Client, posted: int) -> None:
    plates = metric_sum(client, "recognition", "anpr_recognition_plates", by="country")
    outcomes = metric_sum(client, "rules", "anpr_rules_decisions", by="outcome")
    candidates = client.get(_url("notices", "/v1/candidates"), params={"status": "pending", "limit": 500}).json()
    per_regime = Counter((c["regime_id"], c["enforceable"]) for c in candidates)
    table = Table("what", "count", title="ANPR demo (counts since the services started)")
    table.add_row("frames posted to ingest (this run)", str(posted))
    for country, count in sorted(plates.items()):
        table.add_row(f"plates read by recognition: {country}", str(int(count)))
    for outcome, count in sorted(outcomes.items()):
        table.add_row(f"rules decisions: {outcome}", str(int(count)))
    for (regime, enforceable), count in sorted(per_regime.items()):
        kind = "candidates" if enforceable else "review only (no notice possible)"
        table.add_row(f"pending in notices: {regime}, {kind}", str(count))
    console.print(table)
    run = run_dir()
    console.print(
        "\n".join(
            [
                "Look at:",
                f"  candidates   curl -H 'Authorization: Bearer $ANPR_ADMIN_TOKEN' {_url('notices', '/v1/candidates')}",
                f"  API docs     {_url('notices', '/docs')}  {_url('ingest', '/docs')}  (every service: /docs)",
                f"  metrics      {_url('rules', '/metrics')}",
                f"  logs         {run}/services/*.log, {run}/kafka.log, {run}/postgres.log",
                f"  env          source {run}/env",
                "Everything keeps running until `make down`.",
            ]
        ),
        markup=False,
        soft_wrap=True,
    )
