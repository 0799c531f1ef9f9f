"""What the demo needs in place before it replays frames, made so whatever state it finds.

A used system may have anything: a demo camera taken down or moved, a location's regimes amended, the
resident's permit revoked. Each step reads the current state through the services' APIs and changes
only what differs, so running it again changes nothing.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from anpr_cli.paths import PORTS

REGIME = "milieuzone-centrum"
REGIMES = (REGIME, "ze-zone-centrum")  # both apply in zone centrum (deploy/regimes)
EXEMPT_PLATE = "ZDPB67"  # a resident's permit in the demo registry
FIRST_PLACED = datetime.fromisoformat("2026-01-01T00:00:00+01:00")  # a fresh system's placements start here
SITE_CACHE_SECONDS = 5.0  # ingest's default: another worker may answer from its cache for that long


@dataclass(frozen=True)
class DemoLocation:
    location_id: str
    name: str
    consent_reference: str = "OM-DEMO-2026-001"
    zone_id: str = "centrum"
    regimes: tuple[str, ...] = REGIMES

    def body(self) -> dict[str, Any]:
        return {
            "location_id": self.location_id,
            "name": self.name,
            "regimes": list(self.regimes),
            "zone_id": self.zone_id,
            "consent_reference": self.consent_reference,
        }

    def changes_to(self, found: Mapping[str, Any]) -> dict[str, Any]:
        """The amendable fields (PATCH) where the location as found differs from what the demo needs."""
        wanted = {"regimes": list(self.regimes), "sign": None, "consent_reference": self.consent_reference}
        return {name: value for name, value in wanted.items() if found.get(name) != value}


@dataclass(frozen=True)
class DemoCamera:
    camera_id: str
    kind: str
    location_id: str


LOCATIONS = (
    DemoLocation("loc-centrum-noord", "Centrum, Nieuwe Gracht"),
    DemoLocation("loc-centrum-zuid", "Centrum, Raamvest"),
)
CAMERAS = (
    DemoCamera("cam-centrum-1", "fixed", "loc-centrum-noord"),
    DemoCamera("cam-rotating-1", "rotating", "loc-centrum-zuid"),
)


class DemoSetupError(RuntimeError):
    """A service refused what the demo needs, or the state found cannot be repaired by appending."""


def url(service: str, path: str) -> str:
    return f"http://127.0.0.1:{PORTS[service]}{path}"


def placement_to_add(history: Sequence[Mapping[str, Any]], location_id: str, now: datetime) -> dict[str, str] | None:
    """The placement that makes the camera stand at location_id from now on, open-ended; None if it does.

    Placements are only ever appended (the history is evidence), so a camera taken down or moved is
    placed again from now, or from the end of a take-down still ahead.
    """
    if not history:
        return {"location_id": location_id, "valid_from": FIRST_PLACED.isoformat()}
    last = history[-1]
    began = datetime.fromisoformat(last["valid_from"])
    ended = datetime.fromisoformat(last["valid_until"]) if last["valid_until"] else None
    if last["location_id"] == location_id and ended is None and began <= now:
        return None
    start = now if ended is None else max(now, ended)
    if ended is None and start <= began:
        raise DemoSetupError(
            f"the last placement of the camera begins at {began.isoformat()}, after now: "
            "the demo cannot place it before that"
        )
    return {"location_id": location_id, "valid_from": start.isoformat()}


def _check(response: httpx.Response, what: str, allowed: tuple[int, ...] = (200, 201)) -> httpx.Response:
    if response.status_code not in allowed:
        raise DemoSetupError(f"{what}: {response.status_code} {response.text}")
    return response


def ensure_locations(client: httpx.Client) -> bool:
    """Locations created, or amended back to what the demo needs; True when one had to be amended."""
    amended = False
    for location in LOCATIONS:
        created = _check(
            client.post(url("ingest", "/v1/locations"), json=location.body()),
            f"creating location {location.location_id}",
            (201, 409),
        )
        if created.status_code == 201:
            continue
        path = f"/v1/locations/{location.location_id}"
        found = _check(client.get(url("ingest", path)), f"reading location {location.location_id}").json()
        if changes := location.changes_to(found):
            _check(client.patch(url("ingest", path), json=changes), f"amending location {location.location_id}")
            amended = True
    return amended


def ensure_cameras(client: httpx.Client, now: datetime) -> bool:
    """Cameras registered and placed where the demo needs them; True when a placement had to be added."""
    placed = False
    for camera in CAMERAS:
        body = {"camera_id": camera.camera_id, "kind": camera.kind}
        _check(client.post(url("ingest", "/v1/cameras"), json=body), f"registering {camera.camera_id}", (201, 409))
        path = f"/v1/cameras/{camera.camera_id}/placements"
        history = _check(client.get(url("ingest", path)), f"placements of {camera.camera_id}").json()
        placement = placement_to_add(history, camera.location_id, now)
        if placement is not None:
            _check(client.post(url("ingest", path), json=placement), f"placing {camera.camera_id}")
            placed = True
    return placed


def _exempt(client: httpx.Client, now: datetime) -> bool:
    # POST: the plate stays out of URLs; a read of permit data says why (the demo runs as admin).
    body = {"plate": EXEMPT_PLATE, "regime": REGIME, "at": now.isoformat()}
    checked = client.post(url("exemptions", "/v1/check"), json=body, headers={"X-Purpose": "administration"})
    return bool(_check(checked, "checking the permit").json()["exempt"])


def ensure_permit(client: httpx.Client, now: datetime) -> None:
    """The resident's permit, valid now: issued again when it was revoked, ended or never issued."""
    if _exempt(client, now):
        return
    permit = {
        "plate": EXEMPT_PLATE,
        "kind": "resident",
        "regimes": [REGIME],
        "valid_from": FIRST_PLACED.isoformat(),
        "reference": "DEMO-2026-0001",
        "issuer": "Gemeente (demo)",
    }
    _check(client.post(url("exemptions", "/v1/exemptions"), json=permit), "issuing the demo permit")
    if not _exempt(client, now):
        raise DemoSetupError(f"the demo permit of {EXEMPT_PLATE} was issued but does not apply now")


def ensure_site(client: httpx.Client, wait: bool = True) -> None:
    """Locations, cameras with their placements and the permit, as the demo needs them now."""
    now = datetime.now(UTC)
    amended = ensure_locations(client)
    placed = ensure_cameras(client, now)
    ensure_permit(client, now)
    if (amended or placed) and wait:
        # The instance that took the change sees it at once; other ingest workers after their cache expires.
        time.sleep(SITE_CACHE_SECONDS + 0.5)
