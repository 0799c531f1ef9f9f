import hashlib
import hmac
from functools import lru_cache


@lru_cache(maxsize=8)
def _keyed(key: str) -> "hmac.HMAC":
    # The key's two SHA-256 blocks (inner and outer pad) hashed once per key, not once per plate.
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def vehicle_key(plate: str, key: str) -> str:
    """Keyed hash of a plate: lets steps that need no clear text (partitioning, look-ups) work without it."""
    # A copy of the keyed HMAC per plate (ingest keys every read, notices every candidate): about a third
    # less than hmac.new, the same HMAC-SHA256.
    hashed = _keyed(key).copy()
    hashed.update(plate.upper().encode())
    return hashed.hexdigest()[:32]
