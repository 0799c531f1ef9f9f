"""Kafka topic names and their settings: the one place that knows them."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TopicSpec:
    """A topic with the settings it is created with."""

    name: str
    partitions: int = 3
    config: dict[str, str] = field(default_factory=dict)
    # Production (deploy/k8s/topics.yaml): three copies, a write acknowledged (acks=all) once two hold it, so
    # one broker may die or hang without loss or a stop. A smaller cluster gets as many as it has brokers.
    replication: int = 3
    min_insync_replicas: int = 2

    def replicas_on(self, brokers: int) -> tuple[int, int]:
        """(replication factor, min.insync.replicas) on a cluster of `brokers`: production's where it fits."""
        replicas = max(1, min(self.replication, brokers))
        return replicas, max(1, min(self.min_insync_replicas, replicas - 1))


_FRAME_BYTES = str(4 * 1024 * 1024)
_DAY_MS = 24 * 3600 * 1000

FRAMES = TopicSpec(
    "anpr.frames.v1",
    # Frames carry images of every passing vehicle: keep them only hours (privacy), room for big JPEGs.
    config={"retention.ms": str(6 * 3600 * 1000), "max.message.bytes": _FRAME_BYTES},
)
READS = TopicSpec("anpr.reads.v1", config={"retention.ms": str(6 * 3600 * 1000), "max.message.bytes": _FRAME_BYTES})
# Candidates and commands carry plates and photos: a week is ample for a consumer to catch up, and notices
# keeps what it needs under its own retention.
CANDIDATES = TopicSpec(
    "anpr.candidates.v1", config={"retention.ms": str(7 * _DAY_MS), "max.message.bytes": _FRAME_BYTES}
)
EXEMPTIONS = TopicSpec("anpr.exemptions.v1", config={"cleanup.policy": "compact"})
# Commands between services (notices -> rules: re-evaluate a corrected read); carries evidence images.
COMMANDS = TopicSpec("anpr.commands.v1", config={"retention.ms": str(7 * _DAY_MS), "max.message.bytes": _FRAME_BYTES})
# Dead letters hold whatever failed, plates and photos included: two weeks to look at and replay them, then
# the broker deletes them (never the broker's default, which an installation may have set to forever).
DLQ = TopicSpec(
    "anpr.dlq.v1", partitions=1, config={"retention.ms": str(14 * _DAY_MS), "max.message.bytes": _FRAME_BYTES}
)
# Permit-counter applications' status changes: ids and status only; two weeks for consumers to catch up.
APPLICATIONS = TopicSpec("anpr.applications.v1", config={"retention.ms": str(14 * _DAY_MS)})

TOPICS: tuple[TopicSpec, ...] = (FRAMES, READS, CANDIDATES, EXEMPTIONS, APPLICATIONS, COMMANDS, DLQ)
