"""Errors of the permit domain. Both are permanent: the same request can never succeed as it stands."""

from anpr_runtime import Conflict, PermanentError


class InvalidExemption(PermanentError):
    """The permit as asked for can never be valid (answered with 422 and this message)."""


class QuotaExceeded(Conflict):
    """The vehicle has used every day permit of that calendar year (answered with 409)."""
