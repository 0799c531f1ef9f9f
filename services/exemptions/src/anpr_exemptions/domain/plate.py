from anpr_exemptions.domain.errors import InvalidExemption

MAX_PLATE = 16


def normalise_plate(text: str) -> str:
    """Upper case without dashes and spaces, the form every service keys plates by (`63-HK-HD` -> `63HKHD`)."""
    plate = text.replace("-", "").replace(" ", "").upper()
    if not plate:
        raise InvalidExemption("plate is empty")
    # isascii first: str.isalnum() also accepts letters such as "É" that no plate has.
    if not (plate.isascii() and plate.isalnum()):
        raise InvalidExemption(
            f"plate {text!r} may contain only letters A-Z and digits (dashes and spaces are ignored)"
        )
    if len(plate) > MAX_PLATE:
        raise InvalidExemption(f"plate {text!r} is longer than {MAX_PLATE} characters")
    return plate
