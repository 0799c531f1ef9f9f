"""`make demo` on a used system: after API calls ended a demo camera's placement, every frame of that
camera was refused ("422: camera cam-rotating-1 has no placement at ..."). The demo's set-up now makes
what it needs whatever state it finds; here it runs against ingest and exemptions as real processes
(`anpr run`, started as `anpr up` does) on the test infrastructure."""

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from anpr_cli import demo_site
from anpr_cli.camera import Replayer
from anpr_cli.paths import PORTS, demo_frames_dir
from anpr_cli.processes import free_port, pid_file, read_pid, start_detached, stop_group, wait_http_ready

SERVICES = ("ingest", "exemptions")
TOKEN = f"demo-test-{uuid.uuid4().hex}"


@pytest.fixture
def services(infra: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    env = {
        **os.environ,
        **infra,
        "ANPR_RUN_DIR": str(tmp_path),  # `anpr run` reads no env file from here
        "ANPR_ENV": "test",
        "ANPR_ADMIN_TOKEN": TOKEN,
        "ANPR_TOPIC_PREFIX": f"t{uuid.uuid4().hex[:10]}.",
    }
    started = []
    try:
        for service in SERVICES:
            port = free_port()
            monkeypatch.setitem(PORTS, service, port)
            env[f"ANPR_{service.upper()}_PORT"] = str(port)
            pids = pid_file(tmp_path, service)
            argv = [sys.executable, "-m", "anpr_cli.main", "run", service]
            started.append(start_detached(argv, tmp_path / "services" / f"{service}.log", pids, env=dict(env)))
            ready = wait_http_ready(demo_site.url(service, "/readyz"), 120, lambda p=pids: read_pid(p) is not None)
            log = (tmp_path / "services" / f"{service}.log").read_text(errors="replace")
            assert ready, f"{service} did not start:\n{log[-3000:]}"
        yield
    finally:
        for process in started:
            stop_group(process.pid, timeout=20)
            process.wait(5)


def _send(client: httpx.Client, camera_id: str, count: int) -> dict[str, int]:
    frames = sorted(demo_frames_dir().glob("*.jpg"))[:count]
    tally = Replayer(client, camera_id, fps=50).run(frames)
    return {"accepted": tally.accepted, "refused": sum(tally.rejected.values())}


@pytest.mark.usefixtures("services")
def test_the_demo_set_up_repairs_a_used_system() -> None:
    admin = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(headers=admin, timeout=30) as client:
        demo_site.ensure_site(client, wait=False)
        rotating = next(c for c in demo_site.CAMERAS if c.kind == "rotating")
        ingest = httpx.Client(base_url=demo_site.url("ingest", ""), headers=admin, timeout=30)
        with ingest:
            assert _send(ingest, rotating.camera_id, 2) == {"accepted": 2, "refused": 0}

            # What the user's API calls did: the camera taken down, its location amended, the permit revoked.
            ended = ingest.post(
                f"/v1/cameras/{rotating.camera_id}/placements/end",
                json={"valid_until": datetime.now(UTC).isoformat()},
            )
            assert ended.status_code == 200, ended.text
            location = f"/v1/locations/{rotating.location_id}"
            assert ingest.patch(location, json={"regimes": [], "sign": "C7"}).status_code == 200
            permits = client.get(
                demo_site.url("exemptions", "/v1/exemptions"),
                params={"plate": demo_site.EXEMPT_PLATE},
                headers={"X-Purpose": "administration"},
            ).json()
            for permit in permits:
                client.post(demo_site.url("exemptions", f"/v1/exemptions/{permit['exemption_id']}/revoke"))
            assert _send(ingest, rotating.camera_id, 2) == {"accepted": 0, "refused": 2}  # the report

            demo_site.ensure_site(client, wait=False)

            assert _send(ingest, rotating.camera_id, 3) == {"accepted": 3, "refused": 0}
            found = ingest.get(location).json()
            assert (found["regimes"], found["sign"]) == (list(demo_site.REGIMES), None)
            check = {"plate": demo_site.EXEMPT_PLATE, "regime": demo_site.REGIME, "at": datetime.now(UTC).isoformat()}
            checked = client.post(
                demo_site.url("exemptions", "/v1/check"), json=check, headers={"X-Purpose": "administration"}
            )
            assert checked.json()["exempt"]
            history = ingest.get(f"/v1/cameras/{rotating.camera_id}/placements").json()

        # Once more: nothing left to change, so nothing is appended.
        demo_site.ensure_site(client, wait=False)
        again = client.get(demo_site.url("ingest", f"/v1/cameras/{rotating.camera_id}/placements")).json()
        assert again == history
        assert history[-1]["location_id"] == rotating.location_id
        assert history[-1]["valid_until"] is None
