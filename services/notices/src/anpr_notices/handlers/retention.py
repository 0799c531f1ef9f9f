from datetime import datetime

from prometheus_client import Counter

from anpr_notices.adapters.retention import RetentionRepository
from anpr_notices.domain.retention import RetentionPolicy, cutoffs

PURGED = Counter("anpr_notices_purged_total", "Candidates purged by retention class", ["record_class"])


async def purge(now: datetime, policy: RetentionPolicy, repo: RetentionRepository) -> dict[str, int]:
    """Delete every record whose retention period has passed at `now`; counts per record class."""
    purged = {}
    for name, statuses, before in cutoffs(now, policy):
        purged[name] = await repo.delete_expired(statuses, before)
        PURGED.labels(name).inc(purged[name])
    return purged
