"""`anpr demo`: infrastructure, every service, sample traffic through the whole pipeline, a summary with the
staff console's address and the demo people who can log in to it."""

import os
import re
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from anpr_cli import infra
from anpr_cli.camera import Replayer
from anpr_cli.demo_site import CAMERAS, DemoSetupError, ensure_site, url
from anpr_cli.paths import SERVICES, demo_frames_dir, demo_rdw_dir, run_dir
from anpr_cli.vehicles import vehicles_import

console = Console()
DEMO_FPS = 5.0  # per camera, as a gateway would send them


def _replay(token: str, frames: list[Path]) -> int:
    """The sample frames through the gateway simulator (`anpr camera replay`), alternating the two cameras."""
    posted = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url("ingest", ""), headers=headers, timeout=30) as client:
        for n, camera_id in enumerate(camera.camera_id for camera in CAMERAS):
            mine = frames[n :: len(CAMERAS)]
            tally = Replayer(client, camera_id, fps=DEMO_FPS).run(track(mine, description=f"replaying to {camera_id}"))
            if tally.exit_code:
                raise typer.BadParameter(f"ingest refused frames of {camera_id}: {dict(tally.reasons)}")
            posted += tally.accepted
    return posted


def metric_sum(client: httpx.Client, service: str, name: str, by: str) -> dict[str, float]:
    """A Prometheus counter's values summed per value of one label."""
    totals: dict[str, float] = {}
    for line in client.get(url(service, "/metrics")).text.splitlines():
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
    infra.infra_up()
    # The registry first: rules loads it into memory when it starts.
    rdw = demo_rdw_dir()
    vehicles_import(
        base=rdw / "voertuigen.csv",
        fuel=rdw / "brandstof.csv",
        special=[rdw / "bijzonderheden.csv"],
        body=[rdw / "carrosserie.csv", rdw / "carrosserie_specifiek.csv"],
    )
    for service in SERVICES:
        infra.start_service(service)
    with console.status(f"waiting for {', '.join(SERVICES)} to be ready"):
        infra.wait_ready()
    frames = sorted((frames_dir or demo_frames_dir()).glob("*.jpg"))
    token = os.environ["ANPR_ADMIN_TOKEN"]
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        # Rules may have been running already (an earlier demo): swap the imported registry in.
        reloaded = client.post(url("rules", "/v1/vehicles/reload"))
        if reloaded.status_code != 200:
            raise typer.BadParameter(f"rules did not reload the registry: {reloaded.status_code} {reloaded.text}")
        try:
            ensure_site(client)
        except DemoSetupError as exc:
            raise typer.BadParameter(str(exc)) from exc
        recognised_before = sum(metric_sum(client, "recognition", "anpr_recognition_frames", by="outcome").values())
        posted = _replay(token, frames)
        _wait_for_pipeline(client, int(recognised_before) + posted)
        _summary(client, posted)


def _summary(client: httpx.Client, posted: int) -> None:
    plates = metric_sum(client, "recognition", "anpr_recognition_plates", by="country")
    outcomes = metric_sum(client, "rules", "anpr_rules_decisions", by="outcome")
    pending: dict[str, str | int] = {"status": "pending", "limit": 500}
    candidates = client.get(
        url("notices", "/v1/candidates"), params=pending, headers={"X-Purpose": "administration"}
    ).json()
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
                f"  candidates   curl -H 'Authorization: Bearer $ANPR_ADMIN_TOKEN' -H 'X-Purpose: administration' "
                f"{url('notices', '/v1/candidates')}",
                f"  API docs     {url('notices', '/docs')}  {url('ingest', '/docs')}  (every service: /docs)",
                f"  metrics      {url('rules', '/metrics')}",
                f"  logs         {run}/services/*.log, {run}/kafka.log, {run}/postgres.log",
                f"  env          source {run}/env",
                *login_lines(os.environ),
                "Everything keeps running until `make down`.",
            ]
        ),
        markup=False,
        soft_wrap=True,
    )


# (ANPR_DEMO_<VAR>_..., what the person does): one demo person per role of the realm deploy/keycloak.
DEMO_PEOPLE = (
    ("REVIEWER", "reviewer (beoordelaar)"),
    ("REVIEWER_2", "second reviewer, four eyes (tweede beoordelaar)"),
    ("SUPERVISOR", "supervisor (teamleider)"),
    ("OPERATOR", "operations (beheer camera's)"),
    ("PERMIT_DESK", "permit desk (vergunningen)"),
    ("ADMIN", "administrator (beheerder)"),
)


def login_lines(env: Mapping[str, str]) -> list[str]:
    """Where staff log in and as whom: the console URL and the demo people from .run/env (infra.sh writes them)."""
    console_url, issuer = env.get("ANPR_CONSOLE_URL"), env.get("ANPR_OIDC_ISSUER")
    if not console_url or not issuer:
        return ["Staff console: not configured (no ANPR_CONSOLE_URL / ANPR_OIDC_ISSUER in .run/env; run `make up`)."]
    lines = [
        f"Medewerkersconsole / staff console   {console_url}",
        f"  Log in there with one of these demo people (Keycloak's login page, realm {issuer.rsplit('/', 1)[-1]}):",
    ]
    people = [
        (role, env.get(f"ANPR_DEMO_{var}_USER"), env.get(f"ANPR_DEMO_{var}_PASSWORD")) for var, role in DEMO_PEOPLE
    ]
    width = max((len(user) for _, user, _ in people if user), default=0)
    lines += [f"  {user:<{width}}  {password}  {role}" for role, user, password in people if user and password]
    if len(lines) == 2:
        lines.append("  (no ANPR_DEMO_<ROLE>_USER/_PASSWORD in .run/env: is Keycloak part of `infra.sh up`?)")
    lines.append(
        f"  Keycloak admin: {env.get('ANPR_KEYCLOAK_URL', '?')}/admin/ (user admin, password in <run>/keycloak/secrets)"
    )
    return lines
