from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from anpr_contracts import (
    ContractError,
    FrameCaptured,
    PlateRecognized,
    ReadSource,
    event_to_bytes,
    parse_event,
)

AMSTERDAM_SUMMER = timezone(timedelta(hours=2))


def a_read(**overrides: object) -> PlateRecognized:
    fields: dict[str, object] = {
        "source": ReadSource.CAMERA,
        "observed_at": datetime(2026, 7, 1, 10, 0, tzinfo=AMSTERDAM_SUMMER),
        "plate": "72VGX6",
        "confidence": 0.9,
    }
    fields.update(overrides)
    return PlateRecognized.model_validate(fields)


def test_round_trip_keeps_every_field_and_type() -> None:
    frame = FrameCaptured(frame_id="f1", camera_id="cam-1", captured_at=datetime.now(UTC), image_jpeg=b"\xff\xd8x")
    parsed = parse_event(event_to_bytes(frame))
    assert isinstance(parsed, FrameCaptured)
    assert parsed == frame
    assert parsed.image_jpeg == b"\xff\xd8x"


def test_occurred_at_is_normalised_to_utc() -> None:
    read = a_read(occurred_at=datetime(2026, 7, 1, 12, 0, tzinfo=AMSTERDAM_SUMMER))
    assert read.occurred_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert read.occurred_at.utcoffset() == timedelta(0)


def test_events_are_frozen() -> None:
    read = a_read()
    with pytest.raises(ValidationError):
        read.plate = "XX99XX"  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    [
        {"plate": "72-vgx-6"},
        {"confidence": 1.5},
        {"observed_at": datetime(2026, 7, 1, 10, 0)},  # naive: ambiguous across DST
        {"unexpected": 1},
    ],
)
def test_invalid_reads_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        a_read(**bad)


@pytest.mark.parametrize("raw", [b"", b"not json", b'{"event_type": "nope"}', b'{"event_type": "plate.recognized"}'])
def test_garbage_bytes_raise_contract_error(raw: bytes) -> None:
    with pytest.raises(ContractError):
        parse_event(raw)


def _datetime_fields() -> list[tuple[type, str]]:
    from typing import get_args

    from pydantic import AwareDatetime

    from anpr_contracts import events

    found = []
    for model in get_args(get_args(events.Event)[0]):
        for name, field in model.model_fields.items():
            kinds = get_args(field.annotation) or (field.annotation,)
            if any(kind is AwareDatetime or kind is datetime for kind in kinds):
                found.append((model, name))
    return found


@pytest.mark.parametrize(("model", "name"), _datetime_fields())
def test_every_moment_of_every_event_is_normalised_to_utc(model: type, name: str) -> None:
    # The UTC rule sits on each datetime field (not on every field, which cost a Python call per field):
    # a datetime field added without it would keep its offset and compare by wall clock.
    from pydantic import TypeAdapter

    field = model.model_fields[name]  # type: ignore[attr-defined]
    adapter: TypeAdapter[datetime] = TypeAdapter(field.rebuild_annotation())
    moment = adapter.validate_python(datetime(2026, 10, 25, 2, 30, tzinfo=AMSTERDAM_SUMMER))
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_event_bytes_are_the_model_s_own_json() -> None:
    # event_to_bytes skips model_dump_json's str round trip: the bytes must stay exactly its output.
    read = a_read(camera_id="cam-1", plate_jpeg=b"\xff\xd8\x00", box=(1, 2, 3, 4), formatted="72-VGX-6")
    frame = FrameCaptured(frame_id="f1", camera_id="cam-1", captured_at=datetime.now(UTC), image_jpeg=b"\xff\xd8x")
    for event in (read, frame):
        assert event_to_bytes(event) == event.model_dump_json().encode()
        assert isinstance(event_to_bytes(event), bytes)
