"""Dead letters sealed at rest: nothing of the message or of the exception's text in clear on the topic,
opened again only with the key, rotation, and tampering refused."""

import json
from dataclasses import replace

import pytest
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from anpr_contracts import PlateRecognized
from anpr_runtime.dead_letter_replay import replay
from anpr_runtime.dead_letter_seal import (
    DeadLetterSeal,
    UnreadableDeadLetter,
    open_letter,
    sanitised_reason,
    sealing_dead_letters,
)
from anpr_runtime.dead_letters import DeadLetter

from .fakes import FakeProducer, a_record

PLATE = "63HKHD"
FRAME = json.dumps({"plate": PLATE, "overview_jpeg": "/9j/4AAQSkZJRgABAQ" * 50}).encode()
NEW = DeadLetterSeal.from_secret("k3H9-new-dead-letter-key")
OLD = DeadLetterSeal.from_secret("k3H9-old-dead-letter-key")


async def dead_lettered(seal: DeadLetterSeal, exc: Exception) -> tuple[ConsumerRecord[bytes, bytes], DeadLetter]:
    producer = FakeProducer()
    record = replace(a_record(41, FRAME, topic="anpr.frames.v1", partition=2), key=b"cam-7", headers=[("a", b"b")])
    await sealing_dead_letters(producer, "anpr.dlq.v1", "anpr-recognition", seal).send(record, exc)
    [(topic, value, key, headers)] = producer.sent
    written = replace(record, topic=topic, partition=0, offset=7, key=key, value=value, headers=headers)
    return written, DeadLetter.of(written)


async def test_key_value_and_reason_are_sealed_and_what_a_listing_needs_stays_clear() -> None:
    written, letter = await dead_lettered(NEW, ValueError(f"plate {PLATE} has no zone"))

    raw = (written.value or b"") + (written.key or b"") + b"".join(value for _, value in written.headers)
    assert PLATE.encode() not in raw
    assert b"cam-7" not in raw
    assert b"/9j/" not in raw
    assert letter.summary() | {"bytes": "?"} == {
        "id": "0:7",
        "dead_lettered_at": letter.dead_lettered_at.isoformat(timespec="seconds"),
        "topic": "anpr.frames.v1",
        "origin": "2:41",
        "group": "anpr-recognition",
        "error_type": "ValueError",
        "bytes": "?",
    }
    assert letter.reason == "plate [masked] has no zone"
    assert letter.envelope == (("a", b"b"),)  # a replay carries the message's own headers, not the seal's


async def test_the_key_opens_it_again() -> None:
    _, letter = await dead_lettered(NEW, ValueError(f"plate {PLATE} has no zone"))

    opened = open_letter(letter, NEW)

    assert (opened.key, opened.value) == (b"cam-7", FRAME)
    assert opened.reason == f"plate {PLATE} has no zone"
    assert opened.sealed_with is None


async def test_during_a_rotation_the_old_key_still_opens_what_it_sealed() -> None:
    _, by_old = await dead_lettered(OLD, KeyError("x"))
    rotated = DeadLetterSeal.from_secret("k3H9-new-dead-letter-key, k3H9-old-dead-letter-key")
    _, by_new = await dead_lettered(rotated, KeyError("y"))

    assert open_letter(by_old, rotated).value == FRAME
    assert by_new.sealed_with == NEW.mark, "the first key seals"
    assert open_letter(by_new, NEW).value == FRAME
    with pytest.raises(UnreadableDeadLetter, match="does not hold"):
        open_letter(by_old, NEW)


async def test_a_sealed_value_moved_to_another_dead_letter_or_altered_is_refused() -> None:
    _, letter = await dead_lettered(NEW, KeyError("x"))
    elsewhere = replace(letter, original_offset=42)
    altered = replace(letter, value=(letter.value or b"")[:-1] + b"\x00")

    for forged in (elsewhere, altered):
        with pytest.raises(UnreadableDeadLetter, match="altered"):
            open_letter(forged, NEW)


async def test_a_sealed_dead_letter_is_never_replayed_as_it_is() -> None:
    _, letter = await dead_lettered(NEW, KeyError("x"))

    result = await replay(letter, "anpr.dlq.v1", None, None, "admin")  # type: ignore[arg-type]

    assert result.outcome == "refused"
    assert "sealed" in result.detail


def test_reasons_keep_the_exception_message_without_its_input() -> None:
    with pytest.raises(ValidationError) as refused:
        PlateRecognized.model_validate({"plate": "ab-12-cd", "camera_id": "cam 'AB 12 CD'"})

    texts = [
        sanitised_reason(str(refused.value)),
        sanitised_reason(f"no location for plate {PLATE} at 'Damstraat 1'"),
        sanitised_reason('unknown field "WA 12345" in\nrow'),
    ]

    assert all(len(text) <= 300 and "\n" not in text for text in texts)
    for text in texts:
        for secret in ("ab-12-cd", "AB 12 CD", PLATE, "Damstraat", "WA 12345"):
            assert secret not in text
    assert "validation error" in texts[0]
    assert texts[1] == "no location for plate [masked] at '…'"
    assert texts[2] == "unknown field '…' in row"
