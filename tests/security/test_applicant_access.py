"""An applicant (a resident signed in at the applicants' realm anpr-public of the real Keycloak) against
every route of every service: allowed exactly where expected_access.py names APPLICANT, 403 everywhere
else. Runs when ANPR_PUBLIC_OIDC_ISSUER is set (the services read it, as `make test`'s env gives it)."""

import os

import httpx
import pytest

from .expected_access import APPLICANT, EXPECTED, PUBLIC
from .host import ServiceHost
from .test_access_matrix import ROUTES, fill_path

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("ANPR_PUBLIC_OIDC_ISSUER"),
        reason="ANPR_PUBLIC_OIDC_ISSUER is not set: start deploy/local/infra.sh up and source <run>/env",
    ),
]


@pytest.fixture(scope="module")
def resident() -> dict[str, str]:
    answer = httpx.post(
        f"{os.environ['ANPR_PUBLIC_OIDC_ISSUER']}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": os.environ.get("ANPR_PUBLIC_OIDC_TEST_CLIENT_ID", "anpr-public-tests"),
            "username": os.environ["ANPR_DEMO_RESIDENT_USER"],
            "password": os.environ["ANPR_DEMO_RESIDENT_PASSWORD"],
            "scope": "openid",
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_an_applicant_reaches_the_counter_and_nothing_else(host: ServiceHost, resident: dict[str, str]) -> None:
    wrong = []
    for service, method, path in ROUTES:
        access = EXPECTED[service][(method, path)]
        if PUBLIC in access:
            continue
        got = host.request(service, method, fill_path(host.apps[service], method, path), headers=resident).status_code
        allowed = APPLICANT in access
        # Refused is 403, or 401 where a route knows only machine tokens (ingest's senders: camera tokens).
        if (allowed and (got in (401, 403) or got >= 500)) or (not allowed and got not in (401, 403)):
            wrong.append(f"{service} {method} {path}: {'allowed' if allowed else 'refused'} expected, got {got}")
    assert not wrong, "\n".join(wrong)
    assert sum(APPLICANT in access for table in EXPECTED.values() for access in table.values()) == 9
