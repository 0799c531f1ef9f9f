from dataclasses import dataclass
from datetime import datetime

from anpr_exemptions.domain.model import ExemptionKind


@dataclass(frozen=True)
class Search:
    """Every filter is optional; `regime` matches permits for that regime and permits for every regime."""

    plate: str | None = None
    kind: ExemptionKind | None = None
    regime: str | None = None
    active_at: datetime | None = None
    limit: int = 100
