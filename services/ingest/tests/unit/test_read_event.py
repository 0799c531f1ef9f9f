"""Whatever `ReadIn` accepts is a valid `PlateRecognized`: a read ingest took is never a 500 at the edge nor a
dead letter downstream, and its event is in UTC with ids of its own."""

import base64
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from anpr_contracts import PlateRecognized, event_to_bytes, parse_event
from anpr_ingest import ReadIn

_ID = st.text(alphabet="ABCxyz019_.:-", min_size=1, max_size=100)
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_BODIES = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["camera", "fixed_anpr", "bollard", "scan_car", "mobile"]),
        "observed_at": st.datetimes(datetime(1970, 1, 2), datetime(2199, 12, 30), timezones=_OFFSETS),
        "plate": st.text(alphabet="ABGHKXZ0123456789 -.", min_size=1, max_size=14),
    },
    optional={
        "camera_id": _ID,
        "location_id": _ID,
        "country": st.text(alphabet="NLDEBnlde", min_size=1, max_size=4),
        "confidence": st.floats(min_value=0, max_value=1),
        "plate_jpeg": st.binary(max_size=8).map(lambda b: base64.b64encode(b).decode()),
    },
)


def _accepted(body: dict[str, object]) -> ReadIn | None:
    try:
        return ReadIn.model_validate(body)
    except ValidationError:
        return None


@settings(max_examples=400, deadline=None)
@given(_BODIES)
def test_whatever_readin_accepts_is_a_valid_event(body: dict[str, object]) -> None:
    read = _accepted(body)
    if read is None:
        return
    event = read.to_event()
    again = PlateRecognized.model_validate(event.model_dump())
    assert again == event
    assert parse_event(event_to_bytes(event)) == event


def test_the_longest_and_extreme_values_readin_takes_are_valid_events() -> None:
    read = ReadIn.model_validate(
        {
            "source": "fixed_anpr",
            "camera_id": "c" * 100,
            "location_id": "l" * 100,
            "observed_at": "2199-12-31T23:00:00-14:00",
            "plate": "1234ABC751",
            "country": "fra",
            "confidence": 1.0,
        }
    )
    event = read.to_event()
    assert PlateRecognized.model_validate(event.model_dump()) == event


def test_the_event_is_in_utc_with_fresh_ids() -> None:
    body = {"source": "camera", "location_id": "l1", "observed_at": "2026-07-01T12:00:00+02:00", "plate": "72-vgx-6"}
    first, second = (ReadIn.model_validate(body).to_event() for _ in range(2))
    assert first.observed_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert first.observed_at.utcoffset() == timedelta(0)
    assert first.plate == "72VGX6"
    assert first.event_id != second.event_id
    assert first.read_id != second.read_id
    assert first.correlation_id != second.correlation_id
    assert "correlation_id" not in first.model_fields_set  # so the request's correlation id is given to it
    validated = PlateRecognized(**{name: getattr(first, name) for name in first.model_fields_set})
    assert first.model_fields_set == validated.model_fields_set
