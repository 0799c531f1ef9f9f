"""The permit counter's use cases: apply (`apply.py`), the steps after it (`decide.py`), and what every
step ends with (`application_steps.py`)."""

from anpr_exemptions.handlers.apply import COUNTER, NewApplication, TooManyApplications, apply, check_vehicle
from anpr_exemptions.handlers.decide import Scope, advance, attach, decide_grant, log_staff_read, mark_paid

__all__ = [
    "COUNTER",
    "NewApplication",
    "Scope",
    "TooManyApplications",
    "advance",
    "apply",
    "attach",
    "check_vehicle",
    "decide_grant",
    "log_staff_read",
    "mark_paid",
]
