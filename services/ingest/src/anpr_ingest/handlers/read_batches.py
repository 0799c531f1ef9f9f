"""Many already-recognised reads in one request, each accepted or refused on its own."""

from collections.abc import Sequence

from anpr_contracts import READS, PlateRecognized
from anpr_ingest.domain.tokens import Sender
from anpr_ingest.handlers.reads import ReadPorts, stamp_read
from anpr_runtime import AnprError


async def accept_reads(
    reads: Sequence[PlateRecognized], sender: Sender, ports: ReadPorts
) -> list[PlateRecognized | AnprError]:
    """Per read, in order: the stamped read as published, or why it was refused."""
    # Stamped one by one (sites come from the cache), then published together so the producer batches
    # them: a thousand reads cost a few requests and one round of acknowledgements, not a thousand.
    stamped: list[PlateRecognized | AnprError] = []
    for read in reads:
        try:
            sender.authorise(read.camera_id)
            stamped.append(await stamp_read(read, ports.sites))
        except AnprError as exc:
            stamped.append(exc)
    ready = [read for read in stamped if isinstance(read, PlateRecognized)]
    failures = iter(await ports.publisher.publish_many(READS.name, [(ports.key_of(read), read) for read in ready]))
    results: list[PlateRecognized | AnprError] = []
    for item in stamped:
        failure = next(failures) if isinstance(item, PlateRecognized) else None
        results.append(failure or item)
    return results
