"""Applicants sign in at their own issuer with the staff flow (authorization code + PKCE, handlers.login):
the session is named after the applicant's identifier (`bsn:...`/`kvk:...`), never the provider's `sub`, and
holds the role `applicant` only (the applicants' token verifier grants no other)."""

from datetime import datetime

from anpr_console.adapters.applicants import ApplicantTokens
from anpr_console.domain.session import Session
from anpr_console.handlers.login import finish_login
from anpr_console.handlers.ports import Identity


async def finish_applicant_login(
    identity: Identity, applicants: ApplicantTokens, state: str, code: str, browser_state: str | None, now: datetime
) -> tuple[Session, str]:
    return await finish_login(identity, state, code, browser_state, now, subject_of=applicants.applicant_of)
