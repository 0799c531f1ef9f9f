from datetime import UTC, datetime
from html.parser import HTMLParser
from uuid import uuid4

from anpr_notices.domain.letter import dutch_moment, render_warning_letter


def a_warning(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "candidate_id": uuid4(),
        "plate": "63HKHD",
        "formatted": "63-HK-HD",
        "regime_id": "milieuzone-centrum",
        "location_id": "loc-centrum-noord",
        "observed_at": datetime(2026, 7, 3, 7, 5, tzinfo=UTC),
        "legal_reference": "RVV 1990 art. 86t, bord C22a",
        "decisions": [{"by": "8f2c-sub", "by_name": "Anna de Vries", "decision": "accept"}],
    }
    fields.update(overrides)
    return fields


class Resources(HTMLParser):
    """Collects every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fetches += [f"{tag}.{name}" for name, _ in attrs if name in ("src", "href", "srcset", "data")]


def test_letter_says_what_happened_where_and_when_in_dutch() -> None:
    letter = render_warning_letter(a_warning())

    assert "<h1>Waarschuwing</h1>" in letter
    assert "63-HK-HD" in letter
    assert "milieuzone-centrum" in letter
    assert "loc-centrum-noord" in letter
    assert "3 juli 2026 om 09:05 uur" in letter  # summer time in Amsterdam
    assert "RVV 1990 art. 86t, bord C22a" in letter
    assert "bij een volgende overtreding volgt een boete" in letter
    assert '<html lang="nl">' in letter


def test_letter_is_printable_and_needs_nothing_from_outside() -> None:
    letter = render_warning_letter(a_warning())
    parser = Resources()
    parser.feed(letter)

    assert parser.fetches == []
    assert "@import" not in letter
    assert "url(" not in letter
    assert "@page" in letter
    assert "@media print" in letter


def test_letter_escapes_what_it_prints() -> None:
    letter = render_warning_letter(a_warning(location_id="<script>x</script>", formatted=None))

    assert "<script>" not in letter
    assert "&lt;script&gt;" in letter
    assert "63HKHD" in letter


def test_letter_is_signed_by_the_officer_whose_acceptance_issued_it() -> None:
    four_eyes = [
        {"by": "sub-a", "by_name": "Anna de Vries", "decision": "accept"},
        {"by": "sub-b", "by_name": "Bram <Jansen>", "decision": "accept"},
    ]

    letter = render_warning_letter(a_warning(decisions=four_eyes))

    assert "Bram &lt;Jansen&gt;" in letter  # the second reviewer settled it; the name is escaped
    assert "Anna de Vries" not in letter
    assert "sub-b" not in letter  # a subject is an identifier, not something to print for a citizen


def test_letter_of_a_decision_from_before_names_were_kept_names_its_subject() -> None:
    letter = render_warning_letter(a_warning(decisions=[{"by": "reviewer-2", "by_name": None, "decision": "accept"}]))

    assert "reviewer-2" in letter


def test_winter_time() -> None:
    assert dutch_moment(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "1 februari 2026 om 00:30 uur"
