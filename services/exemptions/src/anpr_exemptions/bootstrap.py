from pathlib import Path

from anpr_runtime.consumer import Handler
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="exemptions", migrations_dir=Path(__file__).parent / "migrations")


def bootstrap(resources: Resources) -> Handler | None:
    """Exemptions only serves its API and publishes changes: no consumer loop."""
    return None
