"""The monthly reminder run: vehicles warned in a regime and seen again there in a month (supervisors)."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from anpr_notices.adapters.audit import PostgresAuditLog
from anpr_notices.adapters.reminders import PostgresReminderRepository
from anpr_notices.entrypoints.deps import SupervisionPurpose, Supervisor, actor_of, transaction
from anpr_notices.handlers import reminders_of, run_reminders

router = APIRouter(prefix="/v1", tags=["reminders"])
MONTH = r"^[0-9]{4}-[0-9]{2}$"  # [0-9]: \d would take other scripts' digits too


class ReminderRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=MONTH, description="YYYY-MM, not in the future")


def _audit_subjects(month: str, found: dict[str, Any]) -> list[str]:
    # The run itself, then each sighting shown (it carries a plate): a run with no reminders is audited too.
    return [f"reminders:{month}", *(item["seen_candidate_id"] for item in found["items"])]


@router.post("/reminders/run")
async def run(request: Request, who: Supervisor, body: ReminderRunIn, purpose: SupervisionPurpose) -> Any:
    """Runs (or runs again: idempotent) the month; answers every reminder recorded for it, with the link to
    the warning letter each one follows up."""
    now = datetime.now(UTC)
    async with transaction(request) as connection:
        found = await run_reminders(body.month, actor_of(who), now, PostgresReminderRepository(connection))
        await PostgresAuditLog(connection).record(
            now, actor_of(who), "reminder_run", _audit_subjects(body.month, found), purpose
        )
    return found


@router.get("/reminders/{month}")
async def show(
    request: Request, who: Supervisor, month: Annotated[str, Path(pattern=MONTH)], purpose: SupervisionPurpose
) -> Any:
    """A month's recorded run (404 if it never ran)."""
    async with transaction(request) as connection:
        found = await reminders_of(month, PostgresReminderRepository(connection))
        await PostgresAuditLog(connection).record(
            datetime.now(UTC), actor_of(who), "view_reminders", _audit_subjects(month, found)[1:], purpose
        )
    return found
