"""Random (version 4) UUIDs for the envelope's ids, made without `uuid.UUID.__init__`.

Every event gets one or two (event_id, read_id) and most a correlation id: `uuid.uuid4()` checks and
converts its 16 bytes in Python, about a third of its time; here the integer is made once and set on
the (slotted, immutable) UUID directly. The bytes come from `os.urandom` per call, as in `uuid4`, so a
forked process never repeats its parent's ids."""

import os
from uuid import UUID, SafeUUID

# RFC 4122 section 4.4: the version (4) in bits 76-79, the variant (10) in bits 62-63.
_CLEARED = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)
_new = object.__new__
_set = object.__setattr__


def random_uuid() -> UUID:
    """The same as `uuid.uuid4()`: 122 random bits from the operating system's CSPRNG."""
    made = _new(UUID)
    _set(made, "int", (int.from_bytes(os.urandom(16)) & _CLEARED) | _SET)
    _set(made, "is_safe", SafeUUID.unknown)
    return made


def random_uuid_text() -> str:
    return str(random_uuid())
