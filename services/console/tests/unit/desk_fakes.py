"""Just enough of exemptions' application API (the permit desk's side) in memory, as an httpx MockTransport
handler: the workflow's steps and their 409/422 answers as exemptions gives them, the X-Purpose header
required on every read, and a registry that can be down."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.4\n%%EOF\n"
_NEXT = {
    "submitted": {"granted", "refused", "needs_information"},
    "needs_information": {"refused"},
}
_TO = {"grant": "granted", "refuse": "refused", "needs_information": "needs_information"}
_MARKUP = re.compile(r"[<>{}\\`]|javascript:|&#", re.IGNORECASE)


def an_application(number: str, kind: str = "disabled", status: str = "submitted", **extra: Any) -> dict[str, Any]:
    application_id = str(uuid.uuid4())
    return {
        "application_id": application_id,
        "number": number,
        "kind": kind,
        "plate": "HX1234",
        "status": status,
        "submitted_at": NOW.isoformat(),
        "day": None,
        "details": "Ik heb een gehandicaptenparkeerkaart.",
        "reason": "",
        "fee_cents": 3500,
        "payment_reference": "PR-0001",
        "paid": False,
        "decided_at": None,
        "exemption_id": None,
        "applicant": "bsn:999990019",
        "steps": [
            {"at": NOW.isoformat(), "from_status": None, "to_status": "submitted", "reason": "", "actor": "J. Jansen"}
        ],
        "documents": [],
        **extra,
    }


@dataclass
class FakeApplicationsApi:
    applications: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    registry_down: bool = False
    refuse_next: str = ""  # the next decision answers 422 with this detail (a check only exemptions makes)
    actor: str = "Renske de Vries"

    def add(self, application: dict[str, Any]) -> str:
        self.applications[application["application_id"]] = application
        return str(application["application_id"])

    def attach(self, application_id: str, content: bytes = PDF, media_type: str = "application/pdf") -> str:
        document_id = str(uuid.uuid4())
        self.files[(application_id, document_id)] = (content, media_type)
        self.applications[application_id]["documents"].append(
            {
                "document_id": document_id,
                "content_type": media_type,
                "size": len(content),
                "uploaded_at": NOW.isoformat(),
            }
        )
        return document_id

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.calls.append(f"{method} {path}")
        if request.headers.get("X-Purpose") != "permit_desk":
            return httpx.Response(400, json={"detail": "X-Purpose is required to read personal data"})
        if path == "/v1/applications" and method == "GET":
            return self._listed(request.url.params)
        if path == "/v1/applications/vehicle-check":
            if self.registry_down:
                return httpx.Response(503, json={"detail": "the vehicle registry is not available"})
            plate = json.loads(request.content)["plate"]
            checks = {"plate": plate, "registered": True, "kind": "Personenauto", "category": "M1"}
            more = {"fuels": ["Diesel"], "emission_class": 4, "automatic": [], "day_permit_needed": False}
            notes = ["category M1: the ZE zone applies to vans and trucks only"]
            return httpx.Response(200, json={**checks, **more, "notes": notes, "day_permits_left": None})
        found = re.fullmatch(r"/v1/applications/([0-9a-f-]{36})(?:/(decision|paid|documents/([0-9a-f-]{36})))?", path)
        if found is None or found.group(1) not in self.applications:
            return httpx.Response(404, json={"detail": "application not found"})
        application = self.applications[found.group(1)]
        if found.group(2) is None and method == "GET":
            return httpx.Response(200, json=application)
        if found.group(2) == "decision" and method == "POST":
            return self._decide(application, json.loads(request.content))
        if found.group(2) == "paid" and method == "POST":
            if not application["paid"]:  # as exemptions: paid once, a step of the history with who marked it
                status = application["status"]
                step = {"at": NOW.isoformat(), "from_status": status, "to_status": status, "reason": ""}
                application["steps"].append(step | {"action": "paid", "actor": "Sanne Jansen"})
            application["paid"] = True
            return httpx.Response(200, json=application)
        if found.group(3) and method == "GET":
            stored = self.files.get((found.group(1), found.group(3)))
            if stored is None:
                return httpx.Response(404, json={"detail": "document not found"})
            return httpx.Response(200, content=stored[0], headers={"content-type": stored[1]})
        return httpx.Response(405, json={"detail": "Method Not Allowed"})

    def _listed(self, params: httpx.QueryParams) -> httpx.Response:
        status, kind, limit = params.get("status"), params.get("kind"), int(params.get("limit", 100))
        found = [a for a in self.applications.values() if status in (None, a["status"]) and kind in (None, a["kind"])]
        return httpx.Response(200, json=sorted(found, key=lambda a: a["submitted_at"])[:limit])

    def _decide(self, application: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        if self.refuse_next:
            detail, self.refuse_next = self.refuse_next, ""
            return httpx.Response(422, json={"detail": detail})
        to = _TO[body["decision"]]
        if to not in _NEXT.get(application["status"], set()):
            detail = f"application {application['number']} is {application['status']}: it cannot become {to}"
            return httpx.Response(409, json={"detail": detail})
        reason = str(body.get("reason", "")).strip()
        if to != "granted" and not reason:
            return httpx.Response(422, json={"detail": f"reason: a {to} needs a reason the applicant can read"})
        if _MARKUP.search(reason):
            return httpx.Response(422, json={"detail": "reason: plain text only"})
        self.decisions.append({"application_id": application["application_id"], **body})
        step = {"at": NOW.isoformat(), "from_status": application["status"], "to_status": to, "reason": reason}
        application["steps"].append({**step, "actor": self.actor})
        application["status"] = to
        if to in ("refused", "needs_information"):
            application["reason"] = reason
        if to == "granted":
            application["exemption_id"] = str(uuid.uuid4())
        return httpx.Response(200, json=application)
