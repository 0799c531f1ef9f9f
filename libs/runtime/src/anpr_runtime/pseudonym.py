import hashlib
import hmac


def vehicle_key(plate: str, key: str) -> str:
    """Keyed hash of a plate: lets steps that need no clear text (partitioning, look-ups) work without it."""
    return hmac.new(key.encode(), plate.upper().encode(), hashlib.sha256).hexdigest()[:32]
