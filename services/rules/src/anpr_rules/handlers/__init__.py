"""Rules use cases: judge a read against every regime in force there and then (`evaluate`); re-judge
parking reads after their grace period (`recheck`); judge a reviewer's corrected plate again
(`corrections`): each takes the event and a `Judging` (the ports it works with). And describe a
registered vehicle to a reviewer (`describe`: make, model, colour)."""

from anpr_rules.handlers.corrections import reevaluate_read
from anpr_rules.handlers.describe import describe_vehicle
from anpr_rules.handlers.evaluate import decide, evaluate_read, keyed_plate, registered_vehicle
from anpr_rules.handlers.ports import Judging, PermitLookup, RulesState, VehicleDescriptions, VehicleLookup
from anpr_rules.handlers.recheck import recheck_due

__all__ = [
    "Judging",
    "PermitLookup",
    "RulesState",
    "VehicleDescriptions",
    "VehicleLookup",
    "decide",
    "describe_vehicle",
    "evaluate_read",
    "keyed_plate",
    "recheck_due",
    "reevaluate_read",
    "registered_vehicle",
]
