"""The answer to a coded refusal: the same `detail` (and status, and Retry-After) as every other domain
error of the platform, plus the stable `code` and the `params` its text needs, so a client such as the
permit counter's pages can say it in the applicant's language (domain/errors.py)."""

from fastapi import Request
from fastapi.responses import JSONResponse

from anpr_exemptions.domain.errors import Coded
from anpr_runtime import AnprError


async def coded_error(_: Request, exc: Exception) -> JSONResponse:
    # Registered for Coded, which Starlette finds before AnprError in the error's MRO; every Coded class
    # is also an AnprError (a mixin in front of it), and the assert keeps it so.
    assert isinstance(exc, Coded), type(exc)
    assert isinstance(exc, AnprError), type(exc)
    headers = {"Retry-After": str(exc.retry_after_seconds)} if exc.retriable else None
    body = {"detail": str(exc), "code": exc.code.value, "params": exc.params}
    return JSONResponse(body, status_code=exc.status_code, headers=headers)
