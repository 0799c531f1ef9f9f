"""The applicant's "my permits" page: validity to the minute in Amsterdam time, and an open end said in words."""

from functools import partial
from typing import Any

import pytest

from anpr_console.domain.messages import LANGUAGES, translate
from anpr_console.entrypoints.rendering import environment, local_minute


def _page(lang: str, permits: list[dict[str, Any]]) -> str:
    template = environment().get_template("loket/permits.html")
    return template.render(
        lang=lang,
        languages=LANGUAGES,
        t=partial(translate, lang),
        session=None,
        screens=[],
        csrf_token="",
        here="/loket/permits",
        applicant=None,
        permits=permits,
        left={},
    )


def test_a_moment_to_the_minute_in_amsterdam_time() -> None:
    assert local_minute("2026-12-06T23:00:00+00:00") == "07-12-2026 00:00"
    assert local_minute("2026-07-01T04:00:00Z") == "01-07-2026 06:00"
    assert local_minute("not a time") == "not a time"


@pytest.mark.parametrize(("lang", "words"), [("nl", "zonder einddatum"), ("en", "no end date")])
def test_a_permit_without_an_end_says_so(lang: str, words: str) -> None:
    html = _page(lang, [{"kind": "disabled", "plate": "NB0952", "valid_from": "2026-12-05T23:00:00+00:00"}])
    assert "06-12-2026 00:00 \N{EN DASH} " + words in html
    assert "…" not in html


def test_a_day_permit_runs_to_six_the_next_morning() -> None:
    permit = {
        "kind": "day-permit",
        "plate": "VX123B",
        "valid_from": "2026-12-06T23:00:00+00:00",
        "valid_until": "2026-12-08T05:00:00+00:00",
    }
    assert "07-12-2026 00:00 \N{EN DASH} 08-12-2026 06:00" in _page("nl", [permit])
