"""The end of `anpr demo`'s summary: where staff log in and as whom, from what infra.sh wrote to .run/env."""

import pytest

from anpr_cli import infra
from anpr_cli.demo import DEMO_PEOPLE, login_lines

ENV = {
    "ANPR_CONSOLE_URL": "http://127.0.0.1:8106",
    "ANPR_OIDC_ISSUER": "http://127.0.0.1:8180/realms/anpr",
    "ANPR_KEYCLOAK_URL": "http://127.0.0.1:8180",
    **{f"ANPR_DEMO_{var}_USER": f"demo-{var.lower()}" for var, _ in DEMO_PEOPLE},
    **{f"ANPR_DEMO_{var}_PASSWORD": f"pw-{var.lower()}" for var, _ in DEMO_PEOPLE},
}


def test_the_summary_names_the_console_and_every_demo_person_with_their_password() -> None:
    text = "\n".join(login_lines(ENV))

    assert "http://127.0.0.1:8106" in text
    assert "realm anpr" in text
    for var, role in DEMO_PEOPLE:
        [line] = [line for line in text.splitlines() if f"demo-{var.lower()} " in line]
        assert f"pw-{var.lower()}" in line
        assert role in line
    assert "http://127.0.0.1:8180/admin/" in text


def test_every_role_of_the_realm_has_a_demo_person_in_the_summary() -> None:
    assert {var for var, _ in DEMO_PEOPLE} == {
        "REVIEWER",
        "REVIEWER_2",
        "SUPERVISOR",
        "OPERATOR",
        "PERMIT_DESK",
        "ADMIN",
    }


def test_without_keycloak_lines_the_summary_says_what_is_missing() -> None:
    [line] = login_lines({"ANPR_ADMIN_TOKEN": "x"})
    assert "not configured" in line

    no_people = {"ANPR_CONSOLE_URL": ENV["ANPR_CONSOLE_URL"], "ANPR_OIDC_ISSUER": ENV["ANPR_OIDC_ISSUER"]}
    assert "no ANPR_DEMO_<ROLE>_USER" in "\n".join(login_lines(no_people))


def test_a_service_port_set_in_the_environment_moves_its_readiness_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test run gives the console its own port (ANPR_CONSOLE_PORT, read by the console too)."""
    monkeypatch.setenv("ANPR_CONSOLE_PORT", "28106")
    assert infra.readyz("console") == "http://127.0.0.1:28106/readyz"
    monkeypatch.delenv("ANPR_CONSOLE_PORT")
    assert infra.readyz("notices") == "http://127.0.0.1:8105/readyz"
