"""Event contracts shared by every ANPR service and by outside producers.

Public surface: the event models, the `Event` union, topic names and the (de)serialisation helpers.
Exceptions: `ContractError` (a ValueError) for bytes that are not a valid event.
"""

from anpr_contracts.events import (
    ApplicationChanged,
    CandidateRaised,
    Direction,
    Envelope,
    Event,
    ExemptionChanged,
    FrameCaptured,
    PlateRecognized,
    ReadReevaluated,
    ReadSource,
    ReevaluateRead,
    RegimeMode,
)
from anpr_contracts.serialisation import ContractError, event_to_bytes, parse_event
from anpr_contracts.topics import APPLICATIONS, CANDIDATES, COMMANDS, DLQ, EXEMPTIONS, FRAMES, READS, TOPICS, TopicSpec

__all__ = [
    "APPLICATIONS",
    "CANDIDATES",
    "COMMANDS",
    "DLQ",
    "EXEMPTIONS",
    "FRAMES",
    "READS",
    "TOPICS",
    "ApplicationChanged",
    "CandidateRaised",
    "ContractError",
    "Direction",
    "Envelope",
    "Event",
    "ExemptionChanged",
    "FrameCaptured",
    "PlateRecognized",
    "ReadReevaluated",
    "ReadSource",
    "ReevaluateRead",
    "RegimeMode",
    "TopicSpec",
    "event_to_bytes",
    "parse_event",
]
