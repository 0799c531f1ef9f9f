import pytest

from anpr_notices.domain.model import Status, decide
from anpr_runtime import Conflict


def test_pending_candidate_can_be_accepted() -> None:
    assert decide(Status.PENDING, "accept") is Status.ACCEPTED


def test_pending_candidate_can_be_rejected() -> None:
    assert decide(Status.PENDING, "reject") is Status.REJECTED


@pytest.mark.parametrize("current", [Status.ACCEPTED, Status.REJECTED])
@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_decision_is_final(current: Status, decision: str) -> None:
    with pytest.raises(Conflict, match=f"already {current}") as caught:
        decide(current, decision)
    assert caught.value.status_code == 409
