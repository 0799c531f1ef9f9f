"""Permits: every change is audited and published (compacted topic) so rules keeps a current index.

The caller runs each change inside one database transaction and commits only after it returned: the
publish is the last step, so a failed publish rolls the change back instead of losing it for rules.
Reads (`get`, `search`, `check`, `audit_trail`, `day_permits_used`) take just the repository; the route
logs each read with its purpose (`log_read`). `purge` deletes what is past retention.
"""

from anpr_exemptions.handlers.amend import update
from anpr_exemptions.handlers.audit import audit_trail
from anpr_exemptions.handlers.check import check
from anpr_exemptions.handlers.grant import grant
from anpr_exemptions.handlers.imports import Created, ImportReport, Refused, import_rows
from anpr_exemptions.handlers.lookup import get, search
from anpr_exemptions.handlers.ports import Ports
from anpr_exemptions.handlers.quota import day_permits_used
from anpr_exemptions.handlers.reads import log_read
from anpr_exemptions.handlers.retention import purge
from anpr_exemptions.handlers.revoke import revoke

__all__ = [
    "Created",
    "ImportReport",
    "Ports",
    "Refused",
    "audit_trail",
    "check",
    "day_permits_used",
    "get",
    "grant",
    "import_rows",
    "log_read",
    "purge",
    "revoke",
    "search",
    "update",
]
