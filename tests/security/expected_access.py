"""Who may call what: the access policy of every route of every service, written down here on its own.

This is the reviewed statement of intent. The services declare their roles in code (require_roles and
the ingest sender check); test_access_matrix.py checks the running apps against THIS table, so a route
whose code drifts from the policy, or a route that nobody put here, fails the test.

Callers besides the roles: no token, a wrong token, a camera's own token from ingest (`camera_token`,
valid only for sending frames and reads of its camera) and a revoked camera token. Admin may do
everything. Operational routes (health, readiness, metrics, the OpenAPI document and its pages) and
notices' /review, a redirect to the staff console, carry no personal data and are public.
"""

from anpr_runtime.auth import Role

ADMIN, CAMERA, REVIEWER, SUPERVISOR, OPERATOR, PERMIT_DESK, SERVICE, APPLICANT = (
    Role.ADMIN,
    Role.CAMERA,
    Role.REVIEWER,
    Role.SUPERVISOR,
    Role.OPERATOR,
    Role.PERMIT_DESK,
    Role.SERVICE,
    Role.APPLICANT,
)
CAMERA_TOKEN = "camera_token"  # a per-camera token issued by an admin through ingest
PUBLIC = "public"  # anyone, without a token

Access = frozenset[Role | str]


def allow(*callers: Role | str) -> Access:
    return frozenset({ADMIN, *callers})


OPERATIONS: dict[tuple[str, str], Access] = {
    ("GET", "/healthz"): frozenset({PUBLIC}),
    ("GET", "/readyz"): frozenset({PUBLIC}),
    ("GET", "/metrics"): frozenset({PUBLIC}),
    ("GET", "/openapi.json"): frozenset({PUBLIC}),
    ("GET", "/docs"): frozenset({PUBLIC}),
    ("GET", "/docs/oauth2-redirect"): frozenset({PUBLIC}),
    ("GET", "/redoc"): frozenset({PUBLIC}),
}

# Ingest: gateways send; operators and supervisors look at cameras and sites; operators place and move
# cameras and keep locations; only admin creates cameras and manages their tokens.
SENDERS = allow(CAMERA, SERVICE, CAMERA_TOKEN)
SITE_VIEWERS = allow(OPERATOR, SUPERVISOR)
INGEST: dict[tuple[str, str], Access] = {
    ("POST", "/v1/frames"): SENDERS,
    ("POST", "/v1/reads"): SENDERS,
    ("POST", "/v1/reads/batch"): SENDERS,
    ("POST", "/v1/webhooks/openalpr"): SENDERS,
    ("POST", "/v1/webhooks/platerecognizer"): SENDERS,
    ("GET", "/v1/cameras/health"): SITE_VIEWERS,
    ("GET", "/v1/cameras/{camera_id}/health"): SITE_VIEWERS,
    ("POST", "/v1/cameras/{camera_id}/tokens"): allow(),
    ("GET", "/v1/cameras/{camera_id}/tokens"): allow(),
    ("POST", "/v1/cameras/{camera_id}/tokens/{token_id}/revoke"): allow(),
    ("POST", "/v1/cameras"): allow(),
    ("GET", "/v1/cameras"): SITE_VIEWERS,
    ("POST", "/v1/locations"): allow(OPERATOR),
    ("GET", "/v1/locations"): SITE_VIEWERS,
    ("GET", "/v1/locations/{location_id}"): SITE_VIEWERS,
    ("PATCH", "/v1/locations/{location_id}"): allow(OPERATOR),
    ("POST", "/v1/cameras/{camera_id}/placements"): allow(OPERATOR),
    ("POST", "/v1/cameras/{camera_id}/placements/end"): allow(OPERATOR),
    ("GET", "/v1/cameras/{camera_id}/placements"): SITE_VIEWERS,
}

# Recognition: which model reads plates is for operators and other services.
RECOGNITION: dict[tuple[str, str], Access] = {
    ("GET", "/v1/model"): allow(OPERATOR, SERVICE),
}

# Rules: everyone who works with decisions may see the regimes and the state; only admin reloads.
RULES_READERS = allow(OPERATOR, SUPERVISOR, REVIEWER, SERVICE)
RULES: dict[tuple[str, str], Access] = {
    ("GET", "/v1/regimes"): RULES_READERS,
    ("GET", "/v1/status"): RULES_READERS,
    ("POST", "/v1/regimes/reload"): allow(),
    ("POST", "/v1/vehicles/reload"): allow(),
    ("POST", "/v1/forecast"): allow(OPERATOR, SUPERVISOR),  # planning: aggregates only, no plates
    # The RDW make, model and colour beside a candidate's photo: for those who judge candidates.
    ("POST", "/v1/vehicles/describe"): allow(REVIEWER, SUPERVISOR),
}

# Exemptions: the permit desk issues and changes permits (operators too, for a transition: see the
# exemptions README), supervisors may look; a permit's audit trail is for supervisors and the desk; the
# check is also for reviewers and services (who learn exempt or not, no permit details; the old GET answers
# 410 pointing to the POST); the read log is for supervisors, the purge run by hand for admin. Permits
# hold plates: no camera.
PERMIT_ISSUERS = allow(PERMIT_DESK, OPERATOR)
EXEMPTIONS: dict[tuple[str, str], Access] = {
    ("POST", "/v1/exemptions"): PERMIT_ISSUERS,
    ("POST", "/v1/exemptions/import"): PERMIT_ISSUERS,
    ("PATCH", "/v1/exemptions/{exemption_id}"): PERMIT_ISSUERS,
    ("POST", "/v1/exemptions/{exemption_id}/revoke"): PERMIT_ISSUERS,
    ("GET", "/v1/exemptions"): allow(PERMIT_DESK, OPERATOR, SUPERVISOR),
    ("GET", "/v1/exemptions/{exemption_id}"): allow(PERMIT_DESK, OPERATOR, SUPERVISOR),
    ("GET", "/v1/exemptions/{exemption_id}/audit"): allow(SUPERVISOR, PERMIT_DESK),
    ("POST", "/v1/check"): allow(OPERATOR, SUPERVISOR, REVIEWER, SERVICE, PERMIT_DESK),
    ("GET", "/v1/check"): allow(OPERATOR, SUPERVISOR, REVIEWER, SERVICE, PERMIT_DESK),
    ("POST", "/v1/read-log/search"): allow(SUPERVISOR),
    ("POST", "/v1/retention/purge"): allow(),
    ("POST", "/v1/quota"): PERMIT_ISSUERS,  # day permits left for a plate: the desk, before it grants one
    # The permit counter (issue 15). Applicants (role applicant, only ever from the applicants' issuer:
    # DigiD / eHerkenning) reach these routes and nothing else, and only their own applications (404 for
    # anyone else's id); the desk works the queue and decides; a payment provider marks paid (service).
    ("POST", "/v1/applications/vehicle-check"): allow(APPLICANT, PERMIT_DESK),
    ("POST", "/v1/applications"): allow(APPLICANT),
    ("GET", "/v1/applications"): allow(APPLICANT, PERMIT_DESK),
    ("GET", "/v1/applications/permits"): allow(APPLICANT),
    ("GET", "/v1/applications/{application_id}"): allow(APPLICANT, PERMIT_DESK),
    ("POST", "/v1/applications/{application_id}/documents"): allow(APPLICANT),
    ("GET", "/v1/applications/{application_id}/documents/{document_id}"): allow(APPLICANT, PERMIT_DESK),
    ("POST", "/v1/applications/{application_id}/decision"): allow(PERMIT_DESK),
    ("POST", "/v1/applications/{application_id}/withdraw"): allow(APPLICANT),
    ("POST", "/v1/applications/{application_id}/resubmit"): allow(APPLICANT),
    ("POST", "/v1/applications/{application_id}/paid"): allow(PERMIT_DESK, SERVICE),
    # The counter's prices, public: its start page shows them before anyone signs in (no personal data).
    ("GET", "/v1/counter/fees"): frozenset({PUBLIC}),
    # Applications counted per day and kind for the pilot forecast: the planners (no personal data; the
    # read is logged with its X-Purpose like every staff read of the counter's data).
    ("GET", "/v1/counter/application-counts"): allow(OPERATOR, SUPERVISOR),
}

# Notices: reviewers and supervisors see and decide candidates; what leaves the system (exports,
# letters) and the audit trail are for supervisors; operators see statistics without plates; the
# retention purge is admin's. /review only redirects to the console, which signs the reviewer in.
REVIEWERS = allow(REVIEWER, SUPERVISOR)
NOTICES: dict[tuple[str, str], Access] = {
    ("GET", "/v1/candidates"): REVIEWERS,
    ("GET", "/v1/candidates/{candidate_id}"): REVIEWERS,
    ("GET", "/v1/candidates/{candidate_id}/evidence/{kind}"): REVIEWERS,
    ("GET", "/v1/candidates/{candidate_id}/history"): REVIEWERS,
    ("POST", "/v1/candidates/{candidate_id}/decision"): REVIEWERS,
    ("POST", "/v1/exports"): allow(SUPERVISOR),
    ("GET", "/v1/exports"): allow(SUPERVISOR),
    ("GET", "/v1/exports/{batch_id}.csv"): allow(SUPERVISOR),
    ("GET", "/v1/exports/{batch_id}.json"): allow(SUPERVISOR),
    ("GET", "/v1/letters/{candidate_id}"): allow(SUPERVISOR),
    ("POST", "/v1/reminders/run"): allow(SUPERVISOR),
    ("GET", "/v1/reminders/{month}"): allow(SUPERVISOR),
    ("GET", "/v1/audit"): allow(SUPERVISOR),
    ("GET", "/v1/stats"): allow(SUPERVISOR, OPERATOR),
    ("POST", "/v1/retention/purge"): allow(),
    # The platform's dead letters, decrypted here: admin only (anpr dlq).
    ("GET", "/v1/dead-letters"): allow(),
    ("POST", "/v1/dead-letters/{letter_id}/open"): allow(),
    ("POST", "/v1/dead-letters/replay"): allow(),
    ("GET", "/review"): frozenset({PUBLIC}),
}

EXPECTED: dict[str, dict[tuple[str, str], Access]] = {
    name: {**OPERATIONS, **table}
    for name, table in {
        "ingest": INGEST,
        "recognition": RECOGNITION,
        "rules": RULES,
        "exemptions": EXEMPTIONS,
        "notices": NOTICES,
    }.items()
}
