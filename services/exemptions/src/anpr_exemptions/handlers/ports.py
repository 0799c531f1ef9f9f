from dataclasses import dataclass

from anpr_exemptions.adapters.repository import ExemptionRepository
from anpr_exemptions.domain.permit import DayPermitPolicy
from anpr_runtime.ports import Publisher


@dataclass(frozen=True)
class Ports:
    """What a change needs, all bound to one transaction (`repo`) of the caller's."""

    repo: ExemptionRepository
    publisher: Publisher
    pseudonym_key: str
    policy: DayPermitPolicy
