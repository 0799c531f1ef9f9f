"""Applicants' access tokens (the permit counter's issuer, a DigiD/eHerkenning stand-in) as the session
check needs them: the runtime's ApplicantVerifier names the applicant `bsn:...`/`kvk:...` from the
identifier claim and grants the role `applicant` only, whatever the token claims."""

from typing import Any

from anpr_runtime.oidc import ApplicantVerifier, VerifiedPerson, applicant_id_claims

APPLICANT = "applicant"


class ApplicantTokens:
    def __init__(self, verifier: ApplicantVerifier, id_claims: str) -> None:
        self._verifier = verifier
        self._id_claims = applicant_id_claims(id_claims)

    async def verify(self, token: str) -> VerifiedPerson:
        """Raises InvalidToken (or IdentityProviderUnavailable) as the services' own check does."""
        applicant = await self._verifier.verify(token)
        return VerifiedPerson(applicant.applicant_id, applicant.name, frozenset({APPLICANT}))

    def applicant_of(self, id_token_claims: dict[str, Any]) -> str | None:
        """The applicant an ID token names, the same way: its subject must match the access token's."""
        for prefix, claim in self._id_claims:
            value = id_token_claims.get(claim)
            if isinstance(value, str) and value.strip():
                return f"{prefix}:{value.strip()}"
        return None
