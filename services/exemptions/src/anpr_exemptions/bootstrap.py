from pathlib import Path

from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.permit import DayPermitPolicy
from anpr_runtime.consumer import Handler
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="exemptions", migrations_dir=Path(__file__).parent / "migrations")


def bootstrap(resources: Resources) -> Handler | None:
    """Exemptions only serves its API and publishes changes: no consumer loop."""
    settings = resources.settings
    assert isinstance(settings, ExemptionsSettings)
    resources.extras["policy"] = DayPermitPolicy(
        municipality=settings.municipality,
        per_year=settings.day_permits_per_year,
        ends_next_day_at=settings.day_permit_ends_next_day_at,
    )
    resources.extras["publisher"] = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    return None
