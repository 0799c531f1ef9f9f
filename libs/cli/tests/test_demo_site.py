from datetime import UTC, datetime, timedelta

import pytest

from anpr_cli.demo_site import FIRST_PLACED, LOCATIONS, DemoSetupError, placement_to_add

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
HERE, ELSEWHERE = "loc-centrum-zuid", "loc-elders"


def _placement(location_id: str, since: datetime, until: datetime | None = None) -> dict[str, str | None]:
    return {
        "location_id": location_id,
        "valid_from": since.isoformat(),
        "valid_until": until.isoformat() if until else None,
    }


def test_a_fresh_camera_is_placed_from_the_demo_start() -> None:
    assert placement_to_add([], HERE, NOW) == {"location_id": HERE, "valid_from": FIRST_PLACED.isoformat()}


def test_a_camera_standing_where_the_demo_needs_it_is_left_alone() -> None:
    assert placement_to_add([_placement(HERE, FIRST_PLACED)], HERE, NOW) is None


def test_a_camera_taken_down_is_placed_again_from_now() -> None:
    history = [_placement(HERE, FIRST_PLACED, NOW - timedelta(hours=1))]
    assert placement_to_add(history, HERE, NOW) == {"location_id": HERE, "valid_from": NOW.isoformat()}


def test_a_take_down_still_ahead_is_followed_at_its_end() -> None:
    end = NOW + timedelta(hours=2)
    history = [_placement(HERE, FIRST_PLACED, end)]
    assert placement_to_add(history, HERE, NOW) == {"location_id": HERE, "valid_from": end.isoformat()}


def test_a_camera_moved_elsewhere_is_moved_back_from_now() -> None:
    history = [_placement(HERE, FIRST_PLACED, NOW - timedelta(days=1)), _placement(ELSEWHERE, NOW - timedelta(days=1))]
    assert placement_to_add(history, HERE, NOW) == {"location_id": HERE, "valid_from": NOW.isoformat()}


def test_a_placement_beginning_in_the_future_cannot_be_repaired() -> None:
    with pytest.raises(DemoSetupError, match="after now"):
        placement_to_add([_placement(ELSEWHERE, NOW + timedelta(days=1))], HERE, NOW)


def test_a_location_amended_by_someone_is_amended_back() -> None:
    location = LOCATIONS[0]
    found = {**location.body(), "regimes": ["parking"], "sign": "C7", "consent_reference": None}
    assert location.changes_to(found) == {
        "regimes": list(location.regimes),
        "sign": None,
        "consent_reference": location.consent_reference,
    }
    assert location.changes_to({**location.body(), "sign": None}) == {}
