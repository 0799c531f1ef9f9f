"""Wires the exemptions service: the day-permit policy and the publisher its routes need."""

from dataclasses import dataclass
from pathlib import Path

from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.permit import DayPermitPolicy
from anpr_runtime.consumer import Handler
from anpr_runtime.ports import Publisher
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="exemptions", migrations_dir=Path(__file__).parent / "migrations")


@dataclass(frozen=True)
class ExemptionsComponents:
    """What the routes take from `Resources.component(ExemptionsComponents)`; built once per app."""

    policy: DayPermitPolicy
    publisher: Publisher
    pseudonym_key: str


def bootstrap(resources: Resources) -> Handler | None:
    """Exemptions only serves its API and publishes changes: no consumer loop."""
    settings = resources.settings
    assert isinstance(settings, ExemptionsSettings)
    resources.components = ExemptionsComponents(
        policy=DayPermitPolicy(
            municipality=settings.municipality,
            per_year=settings.day_permits_per_year,
            ends_next_day_at=settings.day_permit_ends_next_day_at,
        ),
        publisher=KafkaEventPublisher(resources.producer, settings.topic_prefix),
        pseudonym_key=settings.pseudonym_key.get_secret_value(),
    )
    return None
