"""The review forms: what a reviewer may send, checked before it reaches notices (which checks it again)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# notices' RejectReason values, in the order of the number keys 1..7 of the keyboard flow.
REJECT_REASONS = ("misread", "exempt", "emergency_vehicle", "sign_not_visible", "not_in_zone", "duplicate", "other")
STATUSES = ("pending", "awaiting_second_review")
ACTIONS = ("accept", "reject", "correct")
MAX_PLATE = 16
MAX_REASON_TEXT = 1000


class FormProblem(ValueError):
    """A field the person must fix; `message` is a message key, shown next to `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def normalised_plate(text: str) -> str:
    """As a reviewer types it (`xs-nb 23`) to notices' form (`XSNB23`)."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


@dataclass(frozen=True)
class DecisionForm:
    action: str
    reason: str | None = None
    reason_text: str | None = None
    corrected_plate: str | None = None

    def body(self) -> dict[str, Any]:
        """The body of notices' POST /v1/candidates/{id}/decision."""
        if self.action == "reject":
            body: dict[str, Any] = {"decision": "reject", "reason": self.reason}
            if self.reason_text:
                body["reason_text"] = self.reason_text
            return body
        if self.action == "correct":
            return {"decision": "accept", "corrected_plate": self.corrected_plate}
        return {"decision": "accept"}


def parse_decision(form: Mapping[str, str]) -> DecisionForm:
    action = form.get("action", "")
    if action not in ACTIONS:
        raise FormProblem("action", "form.unknown_action")
    if action == "reject":
        reason = form.get("reason", "")
        if reason not in REJECT_REASONS:
            raise FormProblem("reason", "form.reason_required")
        text = form.get("reason_text", "").strip()
        if len(text) > MAX_REASON_TEXT:
            raise FormProblem("reason_text", "form.reason_text_too_long")
        if reason == "other" and not text:
            raise FormProblem("reason_text", "form.reason_text_required")
        return DecisionForm("reject", reason, text or None)
    if action == "correct":
        plate = normalised_plate(form.get("corrected_plate", ""))
        if not plate:
            raise FormProblem("corrected_plate", "form.plate_required")
        if len(plate) > MAX_PLATE:
            raise FormProblem("corrected_plate", "form.plate_too_long")
        return DecisionForm("correct", corrected_plate=plate)
    return DecisionForm("accept")
