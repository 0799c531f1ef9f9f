"""Notices use cases: plain async functions over the ports in `adapters`, no HTTP and no Kafka client."""

from anpr_notices.handlers.exports import export_issued
from anpr_notices.handlers.history import offender_history
from anpr_notices.handlers.intake import (
    Intake,
    close_reevaluated,
    store_candidate,
    store_candidates,
    take_answer,
    take_candidate,
)
from anpr_notices.handlers.letters import warning_letter_of
from anpr_notices.handlers.reminders import reminders_of, run_reminders
from anpr_notices.handlers.retention import purge
from anpr_notices.handlers.review import ReviewRules, record_decision, with_review_flags
from anpr_notices.handlers.stats import report_stats

__all__ = [
    "Intake",
    "ReviewRules",
    "close_reevaluated",
    "export_issued",
    "offender_history",
    "purge",
    "record_decision",
    "reminders_of",
    "report_stats",
    "run_reminders",
    "store_candidate",
    "store_candidates",
    "take_answer",
    "take_candidate",
    "warning_letter_of",
    "with_review_flags",
]
