from datetime import datetime

from prometheus_client import Counter

from anpr_exemptions.adapters.retention import RetentionRepository
from anpr_exemptions.adapters.tombstones import Tombstones
from anpr_exemptions.domain.retention import RetentionPolicy, cutoffs

PURGED = Counter(
    "anpr_exemptions_purged_total", "Permits and read-log rows purged by retention class", ["record_class"]
)


async def purge(
    now: datetime, policy: RetentionPolicy, repo: RetentionRepository, tombstones: Tombstones
) -> dict[str, int]:
    """Delete what is past its retention at `now`; counts per class. The caller commits after this returns:
    a tombstone that could not be published rolls the deletes back, and the next run tries again."""
    limits = cutoffs(now, policy)
    purged = {"expired": await repo.delete_expired(limits), "revoked": await repo.delete_revoked(limits)}
    for exemption_id in (i for ids in purged.values() for i in ids):
        await tombstones.bury(exemption_id)
    counts = {name: len(ids) for name, ids in purged.items()} | {
        "read_log": await repo.delete_read_log(limits),
        "application_documents": await repo.delete_application_documents(limits),
        "applications": await repo.delete_applications(limits),
    }
    for name, count in counts.items():
        PURGED.labels(name).inc(count)
    return counts
