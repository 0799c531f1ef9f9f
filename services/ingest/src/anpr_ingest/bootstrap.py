from pathlib import Path

from anpr_ingest.config import IngestSettings
from anpr_runtime.consumer import Handler
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="ingest", migrations_dir=Path(__file__).parent / "migrations")


def bootstrap(resources: Resources) -> Handler | None:
    """Ingest only produces: no consumer loop."""
    assert isinstance(resources.settings, IngestSettings)
    return None
