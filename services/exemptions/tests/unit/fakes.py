"""In-memory stand-ins for the exemptions ports (same methods as the Postgres and Kafka adapters)."""

from datetime import datetime

from anpr_exemptions.domain.audit import AuditEntry
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.reads import ReadEntry, ReadQuery
from anpr_exemptions.domain.retention import Cutoffs, past_retention
from anpr_exemptions.domain.search import Search
from anpr_runtime import RetriableError


class FakeExemptionRepository:
    def __init__(self) -> None:
        self.exemptions: dict[str, Exemption] = {}
        self.audit: list[AuditEntry] = []
        self.locks: list[tuple[str, str, int]] = []  # the quota locks taken, in order

    async def add(self, exemption: Exemption) -> None:
        if exemption.exemption_id in self.exemptions:
            raise AssertionError(f"primary key violated: {exemption.exemption_id}")
        self.exemptions[exemption.exemption_id] = exemption

    async def get(self, exemption_id: str, for_update: bool = False) -> Exemption | None:
        return self.exemptions.get(exemption_id)

    async def update(self, exemption: Exemption) -> None:
        if exemption.exemption_id in self.exemptions:
            self.exemptions[exemption.exemption_id] = exemption

    async def of_plate(self, plate: str) -> list[Exemption]:
        return [e for e in self.exemptions.values() if e.plate == plate]

    async def search(self, query: Search) -> list[Exemption]:
        found = [
            e
            for e in sorted(self.exemptions.values(), key=lambda e: e.exemption_id)
            if (query.plate is None or e.plate == query.plate)
            and (query.kind is None or e.kind == query.kind)
            and (query.regime is None or not e.regimes or query.regime in e.regimes)
            and (query.active_at is None or e.active_at(query.active_at))
        ]
        return sorted(found, key=lambda e: e.valid_from, reverse=True)[: query.limit]

    async def lock_day_permits(self, plate: str, municipality: str, year: int) -> None:
        self.locks.append((plate, municipality, year))

    async def day_permits(self, plate: str, municipality: str, year: int) -> list[Exemption]:
        return [
            e
            for e in self.exemptions.values()
            if e.kind is ExemptionKind.DAY_PERMIT
            and e.plate == plate
            and e.municipality == municipality
            and e.day is not None
            and e.day.year == year
        ]

    async def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    async def audit_of(self, exemption_id: str) -> list[AuditEntry]:
        return [a for a in self.audit if a.exemption_id == exemption_id]


class FakeReadLog:
    def __init__(self) -> None:
        self.entries: list[ReadEntry] = []

    async def record(self, entry: ReadEntry) -> None:
        self.entries.append(entry)

    async def query(self, query: ReadQuery) -> list[ReadEntry]:
        found = [
            e
            for e in self.entries
            if (query.actor is None or e.actor == query.actor)
            and (query.plate_key is None or e.plate_key == query.plate_key)
            and (query.since is None or e.at >= query.since)
        ]
        return sorted(found, key=lambda e: e.at, reverse=True)[: query.limit]


class FakeRetentionRepository:
    """Purges the permits and audit of a `FakeExemptionRepository` and the rows of a `FakeReadLog`."""

    def __init__(self, permits: FakeExemptionRepository, reads: FakeReadLog) -> None:
        self._permits = permits
        self._reads = reads

    async def delete_expired(self, cutoffs: Cutoffs) -> list[str]:
        return self._delete("expired", cutoffs)

    async def delete_revoked(self, cutoffs: Cutoffs) -> list[str]:
        return self._delete("revoked", cutoffs)

    async def delete_read_log(self, cutoffs: Cutoffs) -> int:
        kept = [e for e in self._reads.entries if e.at >= cutoffs.read_log_before]
        gone = len(self._reads.entries) - len(kept)
        self._reads.entries = kept
        return gone

    # The permit fakes hold no applications: the counter's purge is tested against PostgreSQL.
    async def delete_application_documents(self, cutoffs: Cutoffs) -> int:
        return 0

    async def delete_applications(self, cutoffs: Cutoffs) -> int:
        return 0

    def _delete(self, record_class: str, cutoffs: Cutoffs) -> list[str]:
        gone = [
            e.exemption_id
            for e in self._permits.exemptions.values()
            if past_retention(e, self._revoked_at(e.exemption_id), cutoffs) == record_class
        ]
        for exemption_id in gone:
            del self._permits.exemptions[exemption_id]
        self._permits.audit = [a for a in self._permits.audit if a.exemption_id not in gone]
        return gone

    def _revoked_at(self, exemption_id: str) -> datetime | None:
        revocations = [a.at for a in self._permits.audit if a.exemption_id == exemption_id and a.action == "revoke"]
        return min(revocations, default=None)


class FakeTombstones:
    def __init__(self) -> None:
        self.buried: list[str] = []
        self.broken = False

    async def bury(self, key: str) -> None:
        if self.broken:
            raise RetriableError("could not publish a tombstone to anpr.exemptions.v1: KafkaTimeoutError")
        self.buried.append(key)
