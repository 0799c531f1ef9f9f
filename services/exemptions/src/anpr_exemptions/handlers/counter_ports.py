from dataclasses import dataclass

from anpr_exemptions.adapters.applications import ApplicationRepository
from anpr_exemptions.adapters.outbox import Outbox
from anpr_exemptions.adapters.reads import ReadLog
from anpr_exemptions.adapters.registry import VehicleRegistry
from anpr_exemptions.domain.counter import CounterPolicy
from anpr_exemptions.handlers.ports import Ports


@dataclass(frozen=True)
class CounterPorts:
    """What an application's step needs, bound to one transaction: the permits' ports (a grant issues a
    permit exactly as the desk does), the applications, the mail outbox; the registry reads on its own."""

    permits: Ports
    applications: ApplicationRepository
    outbox: Outbox
    registry: VehicleRegistry
    counter: CounterPolicy
    counter_url: str
    reads: ReadLog  # staff reads of applicants' data, with their purpose
