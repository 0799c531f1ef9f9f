"""What is enforced at a location changes; what the location is does not."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.domain.model import Location
from anpr_ingest.handlers.sites import find_location
from anpr_runtime import PermanentError

AMENDABLE = frozenset({"regimes", "sign", "consent_reference"})


async def amend_location(location_id: str, changes: Mapping[str, Any], repo: IngestRepository) -> Location:
    """Change what is enforced at a location; what it is (name, zone, direction) stays, so history keeps its meaning."""
    if fixed := sorted(set(changes) - AMENDABLE):
        raise PermanentError(f"{', '.join(fixed)} of a location cannot be changed")
    amended = replace(await find_location(location_id, repo), **changes)
    await repo.update_location(amended)
    return amended
