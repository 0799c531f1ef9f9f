"""How long permit data is kept once a permit is over, per class, counted from when it ended.

- expired: `expired_days` after `valid_until`. A day permit also stays until its calendar year is over,
  because the yearly quota counts it (purging it earlier would hand the vehicle its day back).
- revoked: `revoked_days` after the revocation (the moment of its `revoke` audit row).
- reads: the log of who read permit data, why and when, `read_log_days` after the read.
A purged permit's audit trail goes with it; an open-ended permit that is not revoked is never over.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions.domain.local_time import LOCAL
from anpr_exemptions.domain.model import Exemption


class RetentionPolicy(BaseModel):
    """Days each class is kept (configuration: the periods a municipality keeps differ)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # A year: long enough for objections to notices the permit could have cleared.
    expired_days: int = Field(default=365, ge=1)
    revoked_days: int = Field(default=365, ge=1)
    read_log_days: int = Field(default=365, ge=1)
    # Documents uploaded with an application: kept this long after its decision (objection period), then deleted.
    application_documents_days: int = Field(default=42, ge=0)


@dataclass(frozen=True)
class Cutoffs:
    """Records of a class that ended before its cutoff are purged."""

    expired_before: datetime
    day_permits_before: date  # day permits of an earlier calendar year (Amsterdam) than this date's
    revoked_before: datetime
    read_log_before: datetime
    documents_decided_before: datetime | None = None


def cutoffs(now: datetime, policy: RetentionPolicy) -> Cutoffs:
    expired_before = now - timedelta(days=policy.expired_days)
    return Cutoffs(
        expired_before=expired_before,
        day_permits_before=date(expired_before.astimezone(LOCAL).year, 1, 1),
        revoked_before=now - timedelta(days=policy.revoked_days),
        read_log_before=now - timedelta(days=policy.read_log_days),
        documents_decided_before=now - timedelta(days=policy.application_documents_days),
    )


def past_retention(exemption: Exemption, revoked_at: datetime | None, limits: Cutoffs) -> str | None:
    """The class under which a permit is purged at these cutoffs, or None to keep it. The reference the
    fakes use; `PostgresRetentionRepository` says the same in SQL."""
    ended = exemption.valid_until is not None and exemption.valid_until < limits.expired_before
    if ended and (exemption.day is None or exemption.day < limits.day_permits_before):
        return "expired"
    if exemption.revoked and revoked_at is not None and revoked_at < limits.revoked_before:
        return "revoked"
    return None
