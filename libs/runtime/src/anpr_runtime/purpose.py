"""Why a caller reads personal data: the `X-Purpose` header (purpose limitation, AVG art. 5(1)(b)).

Every read of personal data needs one, and it must be a purpose configured for one of the caller's roles
(`DEFAULT_PURPOSES`; a service's `purposes` setting replaces it). The header is the purpose, optionally
followed by ":" and a reference kept with it in the audit row: `objection: bezwaar 2026-0042`. Missing or
unknown: 400, with the purposes the caller's roles allow.

A route takes it as a dependency built on the same role check as its principal, so the token is checked
once and before the purpose (FastAPI caches a dependency per request):

    _reviewer = require_roles(Role.REVIEWER)
    Reviewer = Annotated[Principal, Depends(_reviewer)]
    ReviewPurpose = Annotated[str, Depends(purpose_for(_reviewer, lambda request: settings(request).purposes))]
"""

import unicodedata
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from anpr_runtime.auth import Principal, Role

HEADER = "X-Purpose"
MAX_LENGTH = 200

PurposePolicy = Mapping[Role, Collection[str]]

# Purposes per role: what each role's work is for. Admin may do everything, so it has every purpose.
_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.REVIEWER: ("review",),
    Role.SUPERVISOR: ("review", "supervision", "objection", "investigation", "reminders", "export"),
    Role.OPERATOR: ("operations", "permit_desk"),  # operators still issue permits (exemptions README)
    Role.PERMIT_DESK: ("permit_desk",),
    Role.SERVICE: ("enforcement",),
    Role.CAMERA: (),
}
DEFAULT_PURPOSES: dict[Role, tuple[str, ...]] = _BY_ROLE | {
    Role.ADMIN: ("administration", *dict.fromkeys(p for purposes in _BY_ROLE.values() for p in purposes)),
}


def default_purposes() -> dict[Role, tuple[str, ...]]:
    """For a settings field: `purposes: dict[Role, tuple[str, ...]] = Field(default_factory=default_purposes)`."""
    return dict(DEFAULT_PURPOSES)


def allowed_purposes(who: Principal, policy: PurposePolicy) -> list[str]:
    return sorted({purpose for role in who.roles for purpose in policy.get(role, ())})


def checked_purpose(given: str | None, who: Principal, policy: PurposePolicy) -> str:
    """The header as given (stripped), when its purpose is one of the caller's; else a 400 naming them."""
    allowed = allowed_purposes(who, policy)
    hint = (
        f"send {HEADER} with one of: {', '.join(allowed)} (optionally followed by ': ' and a reference, "
        f"e.g. '{allowed[0]}: case 2026-0042')"
        if allowed
        else f"no {HEADER} is configured for role(s) {', '.join(sorted(who.roles))}"
    )
    text = (given or "").strip()
    if not text:
        raise _bad(f"{HEADER} is required to read personal data: {hint}")
    if len(text) > MAX_LENGTH or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise _bad(f"{HEADER} must be at most {MAX_LENGTH} characters without control characters: {hint}")
    purpose = text.split(":", 1)[0].strip().lower()
    if purpose not in allowed:
        raise _bad(f"{HEADER} {purpose[:40]!r} is not a purpose of your role: {hint}")
    return text


def purpose_for(
    role_check: Callable[..., Awaitable[Principal]],
    policy_of: Callable[[Request], PurposePolicy],
    default: str | None = None,
) -> Callable[..., Awaitable[str]]:
    """A dependency answering the checked purpose; `role_check` is the route's own `require_roles(...)`.
    `default`: for a change that is audited with a purpose but reads nothing new (a review decision), what
    a request without the header stands for; a given header is still checked."""

    async def dependency(
        request: Request,
        who: Annotated[Principal, Depends(role_check)],
        given: Annotated[str | None, Header(alias=HEADER, description="why: one of your role's purposes")] = None,
    ) -> str:
        return checked_purpose(given or default, who, policy_of(request))

    return dependency


def _bad(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail)


__all__ = [
    "DEFAULT_PURPOSES",
    "HEADER",
    "PurposePolicy",
    "allowed_purposes",
    "checked_purpose",
    "default_purposes",
    "purpose_for",
]
