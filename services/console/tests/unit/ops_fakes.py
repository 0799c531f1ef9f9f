"""An in-memory ingest for the operations screen's tests: cameras, locations, placements with ingest's own
rules (placements only appended: 409; unknown camera or location: 404; writes need `writer_roles`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from anpr_console.adapters.services_api import ServiceRefused, ServiceUnavailable


@dataclass
class FakeIngest:
    cameras: list[dict[str, Any]] = field(default_factory=list)
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    placements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    health: dict[str, dict[str, Any]] = field(default_factory=dict)
    may_write: bool = True
    down: bool = False
    writes: list[tuple[str, str, Any]] = field(default_factory=list)

    def add_camera(self, camera_id: str, kind: str = "rotating") -> None:
        self.cameras.append({"camera_id": camera_id, "kind": kind, "description": ""})
        self.placements[camera_id] = []

    def add_location(self, location_id: str, **extra: Any) -> None:
        base = {"name": location_id.title(), "regimes": [], "zone_id": None, "direction": None, "sign": None}
        self.locations[location_id] = {"location_id": location_id, **base, "consent_reference": None, **extra}

    def place(self, camera_id: str, location_id: str, at: str, until: str | None = None) -> None:
        self.placements[camera_id].append({"location_id": location_id, "valid_from": at, "valid_until": until})

    async def get_json(self, service: str, path: str, token: str, params: Any = None, purpose: Any = None) -> Any:
        self._check(service)
        parts = path.strip("/").split("/")
        if path == "/v1/cameras":
            return self.cameras
        if path == "/v1/cameras/health":
            return {"cameras": list(self.health.values()), "unregistered": {}}
        if path == "/v1/locations":
            return list(self.locations.values())
        if parts[:2] == ["v1", "locations"]:
            return self._location(parts[2])
        if parts[-1] == "placements":
            return list(self._history(parts[2]))
        if parts[-1] == "health":
            if parts[2] not in self.health:
                raise ServiceRefused("ingest", 404, f"unknown camera {parts[2]}", False)
            return self.health[parts[2]]
        raise ServiceRefused("ingest", 404, "Not Found", True)

    async def post_json(self, service: str, path: str, token: str, body: Any, purpose: Any = None) -> Any:
        self._write(service, path, body)
        parts = path.strip("/").split("/")
        if path == "/v1/locations":
            if body["location_id"] in self.locations:
                raise ServiceRefused("ingest", 409, f"location {body['location_id']!r} exists", False)
            self.locations[body["location_id"]] = dict(body)
            return body
        history = self._history(parts[2])
        if parts[-1] == "end":
            return self._end(history, datetime.fromisoformat(body["valid_until"]), parts[2])
        self._location(body["location_id"])
        start = datetime.fromisoformat(body["valid_from"])
        if history:
            last = history[-1]
            until = last["valid_until"]
            if (until is None and start <= _at(last["valid_from"])) or (until and start < _at(until)):
                raise ServiceRefused("ingest", 409, "placements may only be appended after the last one", False)
            if until is None:
                last["valid_until"] = body["valid_from"]
        history.append({"location_id": body["location_id"], "valid_from": body["valid_from"], "valid_until": None})
        return history[-1]

    async def patch_json(self, service: str, path: str, token: str, body: Any, purpose: Any = None) -> Any:
        self._write(service, path, body)
        location = self._location(path.rsplit("/", 1)[-1])
        location.update(body)
        return location

    def _end(self, history: list[dict[str, Any]], at: datetime, camera_id: str) -> dict[str, Any]:
        if not history or history[-1]["valid_until"] is not None:
            raise ServiceRefused("ingest", 409, f"camera {camera_id} has no open placement to end", False)
        if at <= _at(history[-1]["valid_from"]):
            raise ServiceRefused("ingest", 409, "end it later", False)
        history[-1]["valid_until"] = at.isoformat()
        return history[-1]

    def _check(self, service: str) -> None:
        assert service == "ingest"
        if self.down:
            raise ServiceUnavailable("ingest", "ConnectError")

    def _write(self, service: str, path: str, body: Any) -> None:
        self._check(service)
        if not self.may_write:
            raise ServiceRefused("ingest", 403, "this needs one of the roles: admin", False)
        self.writes.append(("write", path, body))

    def _history(self, camera_id: str) -> list[dict[str, Any]]:
        if camera_id not in self.placements:
            raise ServiceRefused("ingest", 404, f"unknown camera {camera_id}", False)
        return self.placements[camera_id]

    def _location(self, location_id: str) -> dict[str, Any]:
        if location_id not in self.locations:
            raise ServiceRefused("ingest", 404, f"unknown location {location_id}", False)
        return self.locations[location_id]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)
