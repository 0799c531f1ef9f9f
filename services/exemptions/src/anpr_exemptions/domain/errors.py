"""Errors of the permit domain. All are permanent: the same request can never succeed as it stands.

An error an applicant can meet at the permit counter carries a stable `code` (RefusalCode) and the values
its text needs (`params`); the API sends both next to `detail`, so the counter's pages say it in the
applicant's language instead of showing our English. The English `detail` stays for every other client."""

from enum import StrEnum

from anpr_runtime import Conflict, PermanentError


class RefusalCode(StrEnum):
    """Stable codes of the refusals the counter's applicants can meet; a client translates these, never
    the detail text. Only ever add: a code once sent keeps its meaning."""

    INVALID = "invalid"  # no more specific code: show `detail`
    COUNTRY_NOT_NL = "country_not_nl"
    PLATE_INVALID = "plate_invalid"
    PLATE_NOT_REGISTERED = "plate_not_registered"  # params: plate
    PLATE_EXEMPT_AUTOMATICALLY = "plate_exempt_automatically"  # params: plate, reasons
    PLATE_NEEDS_NO_DAY_PERMIT = "plate_needs_no_day_permit"  # params: plate
    DAY_MISSING = "day_missing"
    DAY_NOT_FOR_KIND = "day_not_for_kind"  # params: kind
    DAY_IN_PAST = "day_in_past"  # params: day
    DAY_BEYOND_HORIZON = "day_beyond_horizon"  # params: days, until
    DAY_TAKEN = "day_taken"  # params: plate, day
    QUOTA_USED_UP = "quota_used_up"  # params: plate, used, limit, year
    APPLICATION_OPEN = "application_open"  # params: kind, plate
    TOO_MANY_APPLICATIONS = "too_many_applications"  # params: limit
    EMAIL_INVALID = "email_invalid"
    TEXT_TOO_LONG = "text_too_long"  # params: field, limit
    TEXT_NOT_PLAIN = "text_not_plain"  # params: field
    REASON_REQUIRED = "reason_required"
    DOCUMENT_TYPE = "document_type"
    DOCUMENT_EMPTY = "document_empty"
    DOCUMENT_TOO_LARGE = "document_too_large"  # params: limit
    DOCUMENT_LIMIT = "document_limit"  # params: limit
    DOCUMENT_CLOSED = "document_closed"  # params: number, status
    STEP_NOT_ALLOWED = "step_not_allowed"  # params: number, status, to


Params = dict[str, str | int]


class Coded(Exception):
    """Mixed into an error class in front of its AnprError base: the API answers `code` and `params` with
    the `detail` (entrypoints/api.py)."""

    default_code = RefusalCode.INVALID

    def __init__(self, message: str, code: RefusalCode | None = None, **params: str | int) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.params: Params = dict(params)


class InvalidExemption(Coded, PermanentError):
    """The permit as asked for can never be valid (answered with 422 and this message)."""


class QuotaExceeded(Coded, Conflict):
    """The vehicle has used every day permit of that calendar year (answered with 409)."""

    default_code = RefusalCode.QUOTA_USED_UP


class DayTaken(Coded, Conflict):
    """The vehicle already has a day permit for that day (409)."""

    default_code = RefusalCode.DAY_TAKEN


class ApplicationOpen(Coded, Conflict):
    """The applicant already has an open application of that kind for the vehicle (409)."""

    default_code = RefusalCode.APPLICATION_OPEN
