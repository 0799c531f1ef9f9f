"""Notices use cases: plain async functions over the ports in `adapters`, no HTTP and no Kafka client."""

from anpr_notices.handlers.exports import export_issued
from anpr_notices.handlers.intake import close_reevaluated, store_candidate, store_candidates
from anpr_notices.handlers.retention import purge
from anpr_notices.handlers.review import record_decision, with_review_flags

__all__ = [
    "close_reevaluated",
    "export_issued",
    "purge",
    "record_decision",
    "store_candidate",
    "store_candidates",
    "with_review_flags",
]
