"""An already-recognised read: stamped with where it was taken and sent straight to rules."""

from dataclasses import dataclass

from anpr_contracts import READS, PlateRecognized
from anpr_ingest.adapters.repository import SiteLookup
from anpr_ingest.handlers.sites import find_location, known_camera, stamp, where_camera_stood
from anpr_runtime import PermanentError
from anpr_runtime.ports import BatchPublisher
from anpr_runtime.pseudonym import vehicle_key


@dataclass(frozen=True)
class ReadPorts:
    """What accepting reads needs: where cameras stood, the publisher and the key reads are partitioned by."""

    sites: SiteLookup
    publisher: BatchPublisher
    pseudonym_key: str

    def key_of(self, read: PlateRecognized) -> str:
        return vehicle_key(read.plate, self.pseudonym_key)


async def accept_read(read: PlateRecognized, ports: ReadPorts) -> PlateRecognized:
    """Stamp the location of an external read and send it straight to rules."""
    stamped = await stamp_read(read, ports.sites)
    await ports.publisher.publish(READS.name, ports.key_of(read), stamped)
    return stamped


async def stamp_read(read: PlateRecognized, repo: SiteLookup) -> PlateRecognized:
    """The read with the location, zone and direction where it was taken; refused when there is none."""
    if read.camera_id is not None:
        await known_camera(read.camera_id, repo)
        # Our placement records win over a location the source sent.
        location = await where_camera_stood(read.camera_id, read.observed_at, "read", repo)
    elif read.location_id is not None:
        location = await find_location(read.location_id, repo)
    else:
        raise PermanentError("a read needs a camera placed at a location at that moment, or a location_id")
    return read.model_copy(update=stamp(location))
