"""A closed passage out as one read: the vote's winner, with its best evidence."""

from datetime import datetime

from prometheus_client import Counter, Histogram

from anpr_contracts import PlateRecognized
from anpr_recognition.adapters.passages import PassageRepository
from anpr_recognition.domain.passages import Vote, vote
from anpr_recognition.handlers.ports import ReadRules, ReadsOut

PASSAGES = Counter("anpr_recognition_passages_total", "Vehicle passages published as one read")
PASSAGE_FRAMES = Histogram("anpr_recognition_passage_reads", "Reads pooled into one passage", buckets=(1, 2, 3, 5, 8))


async def publish_closed_passages(
    passages: PassageRepository, out: ReadsOut, rules: ReadRules, now: datetime, limit: int = 100
) -> list[PlateRecognized]:
    """One read per closed passage (see PassageRepository.closed): the vote's winner, best evidence kept."""
    published = []
    for passage_id in await passages.closed(rules.window, now - rules.idle, limit):
        reads = await passages.take(passage_id)
        if not reads:
            continue  # another instance took it
        outcome = vote([Vote(r.plate, r.confidence, r.observed_at) for r in reads])
        read = reads[outcome.winner].model_copy(update={"confidence": round(outcome.confidence, 4)})
        await out.publish(read)
        PASSAGES.inc()
        PASSAGE_FRAMES.observe(outcome.frames)
        published.append(read)
    return published
