"""Which partition a keyed message goes to: Kafka's default (murmur2 of the key, as the Java client and
aiokafka compute it), so every producer of a topic puts one vehicle's events on the same partition.

aiokafka's murmur2 works byte by byte in pure Python: with a 32-character vehicle key on every read it
was a visible share of ingest's CPU per read. This one reads the key four bytes at a time and gives the
same hash (tests/unit/test_partitioner.py compares them)."""

import random
import struct
from collections.abc import Sequence

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF
_SEED = 0x9747B28C


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 of `data` as an unsigned 32-bit number (aiokafka.partitioner.murmur2's value)."""
    length = len(data)
    h = _SEED ^ length
    words = length // 4
    for k in struct.unpack_from(f"<{words}I", data):
        k = (k * _M) & _MASK
        k = ((k ^ (k >> 24)) * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = data[words * 4 :]
    if tail:
        if len(tail) >= 3:
            h ^= tail[2] << 16
        if len(tail) >= 2:
            h ^= tail[1] << 8
        h = ((h ^ tail[0]) * _M) & _MASK
    h = ((h ^ (h >> 13)) * _M) & _MASK
    return h ^ (h >> 15)


def kafka_default_partitioner(key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
    """aiokafka's DefaultPartitioner with the faster murmur2: same key, same partition."""
    if key is None:
        return random.choice(available or all_partitions)
    return all_partitions[(murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]


__all__ = ["kafka_default_partitioner", "murmur2"]
