"""Many already-recognised reads in one request, each accepted or refused on its own."""

from collections.abc import Sequence

from anpr_contracts import READS, PlateRecognized
from anpr_ingest.adapters.publisher import Publisher
from anpr_ingest.adapters.repository import SiteLookup
from anpr_ingest.domain.tokens import Sender
from anpr_ingest.handlers import stamp_read
from anpr_runtime import AnprError
from anpr_runtime.pseudonym import vehicle_key


async def accept_reads(
    reads: Sequence[PlateRecognized], sender: Sender, repo: SiteLookup, publisher: Publisher, pseudonym_key: str
) -> list[PlateRecognized | AnprError]:
    """Per read, in order: the stamped read as published, or why it was refused."""
    # Stamped one by one (sites come from the cache), then published together so the producer batches
    # them: a thousand reads cost a few requests and one round of acknowledgements, not a thousand.
    stamped: list[PlateRecognized | AnprError] = []
    for read in reads:
        try:
            sender.authorise(read.camera_id)
            stamped.append(await stamp_read(read, repo))
        except AnprError as exc:
            stamped.append(exc)
    ready = [read for read in stamped if isinstance(read, PlateRecognized)]
    failures = iter(
        await publisher.publish_many(READS.name, [(vehicle_key(read.plate, pseudonym_key), read) for read in ready])
    )
    results: list[PlateRecognized | AnprError] = []
    for item in stamped:
        failure = next(failures) if isinstance(item, PlateRecognized) else None
        results.append(failure or item)
    return results
