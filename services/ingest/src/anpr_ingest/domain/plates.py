import re

_NOT_PLATE = re.compile(r"[\s\-.·]")


def normalise_plate(raw: str) -> str:
    """'72-vgx-6' -> '72VGX6'; the contract accepts A-Z0-9 only."""
    return _NOT_PLATE.sub("", raw).upper()
