import copy
import pickle
import uuid
from datetime import UTC, datetime

from anpr_contracts import PlateRecognized, ReadSource, event_to_bytes, parse_event
from anpr_contracts.ids import random_uuid, random_uuid_text


def test_a_random_uuid_is_a_version_4_uuid_like_any_other() -> None:
    made = random_uuid()
    assert isinstance(made, uuid.UUID)
    assert (made.version, made.variant) == (4, uuid.RFC_4122)
    same = uuid.UUID(str(made))
    assert (made == same, hash(made) == hash(same), made.bytes == same.bytes) == (True, True, True)
    assert pickle.loads(pickle.dumps(made)) == made  # noqa: S301 - our own bytes, just made
    assert copy.deepcopy(made) == made


def test_random_uuids_differ_and_every_free_bit_varies() -> None:
    made = [random_uuid().int for _ in range(2000)]
    assert len(set(made)) == len(made)
    ones = zeros = 0
    for n in made:
        ones |= n
        zeros |= ~n
    fixed = (0xF000 << 64) | (0xC000 << 48)  # version and variant
    assert ones & ~fixed == zeros & ~fixed & ((1 << 128) - 1) == ((1 << 128) - 1) & ~fixed


def test_the_envelope_ids_are_random_uuids() -> None:
    read = PlateRecognized(source=ReadSource.CAMERA, observed_at=datetime.now(UTC), plate="72VGX6", confidence=0.9)
    assert read.event_id.version == read.read_id.version == uuid.UUID(read.correlation_id).version == 4
    assert parse_event(event_to_bytes(read)) == read
    assert uuid.UUID(random_uuid_text()).version == 4
