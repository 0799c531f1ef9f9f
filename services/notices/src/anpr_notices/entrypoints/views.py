"""The JSON shape of a candidate, as the review UI and other clients read it."""

from collections.abc import Mapping
from typing import Any

FIELDS = (
    "candidate_key",
    "status",
    "plate",
    "formatted",
    "country",
    "confidence",
    "observed_at",
    "camera_id",
    "location_id",
    "box",
    "regime_id",
    "regime_version",
    "mode",
    "enforceable",
    "legal_reference",
    "fine_eur",
    "explanation",
    "vehicle",
    "exemptions_checked",
    "decisions",
    "needs_second_review",
    "created_at",
    "issued_at",
    "issued_as",
    "export_batch_id",
)


def candidate_view(candidate: Mapping[str, Any]) -> dict[str, Any]:
    candidate_id = str(candidate["candidate_id"])
    view: dict[str, Any] = {"id": candidate_id, "candidate_id": candidate_id}
    view.update({name: candidate[name] for name in FIELDS})
    view["replaces"] = candidate["replaces_id"]
    view["replaced_by"] = candidate["replaced_by_id"]
    view["evidence"] = {kind: f"/v1/candidates/{candidate_id}/evidence/{kind}" for kind in candidate["evidence"]}
    return view
