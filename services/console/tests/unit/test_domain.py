"""Navigation by role, CSRF, PKCE, the review form and the message catalogue."""

import base64
import hashlib
import re

import pytest

from anpr_console.domain import pkce
from anpr_console.domain.csrf import token_matches
from anpr_console.domain.messages import EN, NL, language, translate
from anpr_console.domain.navigation import REVIEW, required_roles, safe_return_path, visible_screens
from anpr_console.domain.review import FormProblem, parse_decision


@pytest.mark.parametrize(
    ("roles", "sees_review"),
    [
        ({"reviewer"}, True),
        ({"supervisor"}, True),
        ({"admin"}, True),
        ({"operator"}, False),
        ({"permit_desk"}, False),
        (set(), False),
    ],
)
def test_navigation_shows_the_screens_the_roles_allow(roles: set[str], sees_review: bool) -> None:
    assert (REVIEW in visible_screens(frozenset(roles))) is sees_review


def test_a_forbidden_screen_names_the_roles_it_needs() -> None:
    assert required_roles(REVIEW) == ["admin", "reviewer", "supervisor"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/review?regime=x", "/review?regime=x"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_only_local_paths_are_returned_to(given: str | None, expected: str) -> None:
    assert safe_return_path(given) == expected


def test_csrf_token_must_match_exactly() -> None:
    assert token_matches("secret-1", "secret-1")
    assert not token_matches("secret-1", "secret-2")
    assert not token_matches("secret-1", "")
    assert not token_matches("secret-1", None)


def test_pkce_challenge_is_the_base64url_sha256_of_the_verifier() -> None:
    verifier = pkce.new_verifier()
    assert 43 <= len(verifier) <= 128
    assert re.fullmatch(r"[A-Za-z0-9_-]+", verifier)
    digest = base64.urlsafe_b64decode(pkce.challenge(verifier) + "=")
    assert digest == hashlib.sha256(verifier.encode()).digest()
    assert pkce.new_state() != pkce.new_state()


def test_review_forms_become_notices_decision_bodies() -> None:
    assert parse_decision({"action": "accept"}).body() == {"decision": "accept"}
    reject = parse_decision({"action": "reject", "reason": "not_in_zone", "reason_text": " "})
    assert reject.body() == {"decision": "reject", "reason": "not_in_zone"}
    other = parse_decision({"action": "reject", "reason": "other", "reason_text": "bus lane"})
    assert other.body() == {"decision": "reject", "reason": "other", "reason_text": "bus lane"}
    correct = parse_decision({"action": "correct", "corrected_plate": "xs-nb 23"})
    assert correct.body() == {"decision": "accept", "corrected_plate": "XSNB23"}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"action": "delete"}, "action"),
        ({"action": "reject", "reason": "because"}, "reason"),
        ({"action": "reject", "reason": "other", "reason_text": ""}, "reason_text"),
        ({"action": "reject", "reason": "misread", "reason_text": "x" * 1001}, "reason_text"),
        ({"action": "correct", "corrected_plate": "--"}, "corrected_plate"),
        ({"action": "correct", "corrected_plate": "A" * 17}, "corrected_plate"),
    ],
)
def test_bad_review_forms_name_the_field(form: dict[str, str], field: str) -> None:
    with pytest.raises(FormProblem) as problem:
        parse_decision(form)
    assert problem.value.field == field
    assert problem.value.message in NL


def test_both_languages_have_every_message() -> None:
    assert NL.keys() == EN.keys()
    assert language("en") == "en"
    assert language("fr") == "nl"
    assert translate("en", "nav.signed_in_as", name="Renske") == "Signed in as Renske"
    assert translate("nl", "no.such.key") == "no.such.key"
