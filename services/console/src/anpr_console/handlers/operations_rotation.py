"""Approving a rotation plan: its steps written as placements through ingest, like `anpr plan-rotation
--approve`, skipping every step the history already holds, so approving twice writes nothing twice."""

from dataclasses import dataclass, field

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi
from anpr_console.domain.operations_rotation import RotationPlan, Step, plan_steps, step_done
from anpr_console.handlers.operations import placements, write_placement


@dataclass
class Approval:
    written: int = 0
    skipped: int = 0
    refused: list[tuple[Step, str]] = field(default_factory=list)


async def approve_plan(api: ServicesApi, token: str, plan: RotationPlan) -> Approval:
    """Camera by camera and in order: placements may only be appended, so a camera stops at its first
    refused step (ingest's detail is kept for the page); the other cameras go on."""
    approval = Approval()
    for camera_id in plan.cameras:
        try:
            history = await placements(api, token, camera_id)
        except ServiceRefused as refused:
            if refused.status not in (403, 404):
                raise
            approval.refused.append((Step(camera_id, None, plan.start()), refused.detail))
            continue
        for step in plan_steps(plan, camera_id, history):
            if step_done(history, step):
                approval.skipped += 1
                continue
            try:
                await write_placement(api, token, step.camera_id, step.location_id, step.moment)
            except ServiceRefused as refused:
                if refused.status == 409 and step_done(await placements(api, token, camera_id), step):
                    approval.skipped += 1  # a simultaneous approval wrote it a moment ago
                    continue
                if refused.status not in (400, 403, 404, 409, 422):
                    raise
                approval.refused.append((step, refused.detail))
                break
            approval.written += 1
    return approval
