"""Property-based fuzzing of every operation in every service's OpenAPI document (schemathesis), valid
and invalid requests alike, as admin against the running services: no request may get a 5xx.

Bounded for CI: a fixed number of examples per operation and a derandomised (seeded) generator, so a run
is repeatable and a failure reproduces; FUZZ_EXAMPLES raises the count for a deeper local run."""

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from anpr_runtime.auth import Role

from .host import ROLE_TOKENS, ServiceHost, build_apps

pytestmark = [
    pytest.mark.integration,
    # schemathesis 4.32 draws from `random` inside its strategies (seeded by Hypothesis, so still repeatable).
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
ADMIN = {"Authorization": f"Bearer {ROLE_TOKENS[Role.ADMIN]}"}

OPERATIONS = [
    (service, operation)
    for service, app in build_apps().items()
    for operation in (result.ok() for result in schemathesis.openapi.from_dict(app.openapi()).get_all_operations())
]


@pytest.mark.parametrize(
    ("service", "operation"), OPERATIONS, ids=[f"{s}:{o.method.upper()}:{o.path}" for s, o in OPERATIONS]
)
def test_no_request_gets_a_server_error(host: ServiceHost, service: str, operation: Any) -> None:
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def no_server_error(case: Any) -> None:
        response = host.request(service, **httpx_kwargs(case.as_transport_kwargs(base_url=f"http://{service}")))
        assert response.status_code < 500, f"{response.status_code} {response.text[:300]}\n{case.as_curl_command()}"

    no_server_error()


def httpx_kwargs(sent: dict[str, Any]) -> dict[str, Any]:
    """schemathesis serialises for `requests`; the in-process transport is httpx."""
    kwargs = {"method": sent["method"], "url": sent["url"], "headers": {**sent.get("headers", {}), **ADMIN}}
    if sent.get("params"):
        kwargs["params"] = sent["params"]
    if sent.get("cookies"):
        kwargs["cookies"] = sent["cookies"]
    if "json" in sent:
        kwargs["json"] = sent["json"]
    data = sent.get("data")
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    if sent.get("files"):
        kwargs["files"] = sent["files"]
    return kwargs
