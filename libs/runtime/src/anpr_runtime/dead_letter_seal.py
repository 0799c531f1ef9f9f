"""Dead letters sealed at rest: the failed message's key and value (plates, photos) and the exception's own
text are encrypted with AES-256-GCM before they reach the dead-letter topic, under a key derived from
ANPR_DEAD_LETTER_KEY. Only the service that serves dead letters opens them, for an authenticated admin
request that it audits (anpr_runtime.dead_letter_api); the operator's command never holds the key.

What stays in clear: where the message came from, the consumer group, the exception's type and a
sanitised message (`sanitised_reason`: no quoted input, no plate-like text), so a listing still says
what failed. Headers: `dlq.sealed` = "v1:<key id>"; `dlq.reason.sealed` = the sealed exception text.
A sealed field is nonce (12 bytes) + ciphertext + tag; its associated data names the field and the
message's origin, so a sealed value cannot be passed off as another field or another dead letter's.

Key rotation: ANPR_DEAD_LETTER_KEY="new,old" seals with the first and opens with whichever the key id
names; drop the old one once the topic's retention has removed what it sealed.
"""

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from aiokafka import AIOKafkaProducer
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anpr_runtime.consumer import DeadLetters
from anpr_runtime.dead_letters import SEALED, SEALED_REASON, DeadLetter
from anpr_runtime.logs import mask_plates
from anpr_runtime.settings import ServiceSettings

_VERSION = "v1"
_NONCE_BYTES = 12
_REASON_CHARACTERS = 300
# Pydantic quotes the offending input (`input_value='AB12CD'` or a whole dict): cut it to the end of
# that detail; anything else quoted in a message is input too (a plate, a camera's text).
_INPUT_VALUE = re.compile(r"input_value=.*?(?=, input_type=|\]|$)", re.DOTALL)
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


class UnreadableDeadLetter(Exception):
    """A sealed dead letter this service cannot open: its key is not configured, or it was altered."""


def sanitised_reason(text: str) -> str:
    """An exception's message as a header may keep it: quoted input and plate-like text removed, one line."""
    text = _INPUT_VALUE.sub("input_value=…", text)
    text = _QUOTED.sub("'…'", text)
    return " ".join(mask_plates(text).split())[:_REASON_CHARACTERS]


@dataclass(frozen=True)
class DeadLetterSeal:
    """The keys of ANPR_DEAD_LETTER_KEY, by key id; the first one seals."""

    keys: tuple[tuple[str, AESGCM], ...]

    @classmethod
    def from_secret(cls, secret: str) -> "DeadLetterSeal":
        keys = []
        for part in secret.split(","):
            # HKDF: the setting may be any long random string, not only 32 raw bytes; the same
            # setting always gives the same key, so dead letters outlive a restart.
            key = HKDF(hashes.SHA256(), 32, salt=None, info=b"anpr dead letters v1").derive(part.strip().encode())
            keys.append((hashlib.sha256(b"anpr dead-letter key id" + key).hexdigest()[:12], AESGCM(key)))
        return cls(tuple(keys))

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "DeadLetterSeal":
        return cls.from_secret(settings.dead_letter_key.get_secret_value())

    @property
    def mark(self) -> str:
        return f"{_VERSION}:{self.keys[0][0]}"

    def seal(self, data: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self.keys[0][1].encrypt(nonce, data, associated)

    def open(self, mark: str, data: bytes, associated: bytes) -> bytes:
        version, _, key_id = mark.partition(":")
        cipher = dict(self.keys).get(key_id) if version == _VERSION else None
        if cipher is None:
            raise UnreadableDeadLetter(f"sealed with key {mark!r}, which ANPR_DEAD_LETTER_KEY does not hold")
        try:
            return cipher.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], associated)
        except InvalidTag:
            raise UnreadableDeadLetter("the sealed data does not match its key and origin (altered?)") from None


def associated_data(field: str, topic: str | None, partition: int | None, offset: int | None) -> bytes:
    return f"{field}|{topic}|{partition}|{offset}".encode()


def open_letter(letter: DeadLetter, seal: DeadLetterSeal) -> DeadLetter:
    """The dead letter with key, value and reason in clear; one sealed before sealing existed is as it is."""
    if letter.sealed_with is None:
        return letter
    origin = (letter.topic, letter.original_partition, letter.original_offset)

    def opened(field: str, data: bytes | None) -> bytes | None:
        return None if data is None else seal.open(letter.sealed_with or "", data, associated_data(field, *origin))

    reason = opened("reason", letter.sealed_reason)
    return replace(
        letter,
        key=opened("key", letter.key),
        value=opened("value", letter.value),
        reason=letter.reason if reason is None else reason.decode(errors="replace"),
        sealed_with=None,
        sealed_reason=None,
    )


class _SealingProducer:
    """What consumer.DeadLetters sends goes through here: the headers it writes stay its own, so whatever
    it (or the poison-message guard) adds is kept; only key, value and reason are sealed on the way."""

    def __init__(self, producer: AIOKafkaProducer, seal: DeadLetterSeal) -> None:
        self._producer = producer
        self._seal = seal

    async def send_and_wait(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
        **options: Any,
    ) -> Any:
        given = list(headers or ())
        named = {name: data.decode(errors="replace") for name, data in given}
        origin = (named.get("dlq.topic"), _int(named.get("dlq.partition")), _int(named.get("dlq.offset")))
        reason = named.get("dlq.reason", "")
        kept = [(name, data) for name, data in given if name not in {"dlq.reason", SEALED, SEALED_REASON}]
        sealed_headers = [
            *kept,
            ("dlq.reason", sanitised_reason(reason).encode()),
            (SEALED, self._seal.mark.encode()),
            (SEALED_REASON, self._seal.seal(reason.encode(), associated_data("reason", *origin))),
        ]
        return await self._producer.send_and_wait(
            topic,
            None if value is None else self._seal.seal(value, associated_data("value", *origin)),
            key=None if key is None else self._seal.seal(key, associated_data("key", *origin)),
            headers=sealed_headers,
            **options,
        )


def sealing_dead_letters(producer: AIOKafkaProducer, topic: str, group: str, seal: DeadLetterSeal) -> DeadLetters:
    """consumer.DeadLetters writing sealed dead letters."""
    # The proxy has the one method DeadLetters calls; the cast states that, not a real AIOKafkaProducer.
    return DeadLetters(cast(AIOKafkaProducer, _SealingProducer(producer, seal)), topic, group)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


__all__ = [
    "SEALED",
    "SEALED_REASON",
    "DeadLetterSeal",
    "UnreadableDeadLetter",
    "associated_data",
    "open_letter",
    "sanitised_reason",
    "sealing_dead_letters",
]
