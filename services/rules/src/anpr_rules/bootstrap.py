from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import EXEMPTIONS, READS, ExemptionChanged, PlateRecognized, parse_event
from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.adapters.repository import PostgresRulesRepository
from anpr_rules.config import RulesSettings
from anpr_rules.handlers import evaluate_read, index_exemption
from anpr_runtime import PermanentError
from anpr_runtime.consumer import Handler
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(
    name="rules", migrations_dir=Path(__file__).parent / "migrations", consumes=(READS.name, EXEMPTIONS.name)
)


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, RulesSettings)
    regimes = load_regimes(settings.regime_dir)
    resources.extras["regimes"] = regimes
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    key = settings.pseudonym_key.get_secret_value()

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        event = parse_event(record.value or b"")
        # One transaction per message: counts and index are durable before the offset is committed.
        async with resources.engine.begin() as connection:
            repo = PostgresRulesRepository(connection)
            if isinstance(event, PlateRecognized):
                await evaluate_read(event, regimes, repo, publisher, key)
            elif isinstance(event, ExemptionChanged):
                await index_exemption(event, repo)
            else:
                raise PermanentError(f"rules does not handle {event.event_type}")

    return handle
