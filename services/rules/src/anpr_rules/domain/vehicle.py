from dataclasses import dataclass
from datetime import date

PLATE_MAX = 16  # the registry's plate column; longer is no Dutch plate (the longest has 8 characters)


@dataclass(frozen=True, slots=True)  # a million of them live in memory
class Vehicle:
    """The RDW facts the rules use; every field as the registry knows it."""

    plate: str
    kind: str  # voertuigsoort: Personenauto, Bedrijfsauto, Bus, ...
    category: str | None  # europese_voertuigcategorie: M1, N1, N2, ...
    first_admission: date | None  # datum_eerste_toelating
    max_mass_kg: int | None
    empty_mass_kg: int | None  # massa_rijklaar
    fuels: tuple[str, ...]  # brandstof_omschrijving of every fuel row (hybrids have several)
    registered_emission_class: int | None
    # Emission class "Z" (zero emission) is not a number: electric and hydrogen vehicles are recognised
    # by their fuels instead. Codes from the bijzonderheden (7ug8-2dtt) and carrosserie (jhie-znh9) sets.
    special_codes: tuple[str, ...] = ()
    body_codes: tuple[str, ...] = ()
    inrichting: str | None = None  # body type of the base set, e.g. "opleggertrekker" (tractor unit)

    def facts(self) -> dict[str, str | int | float | None]:
        return {
            "voertuigsoort": self.kind,
            "europese_voertuigcategorie": self.category,
            "datum_eerste_toelating": self.first_admission.isoformat() if self.first_admission else None,
            "toegestane_maximum_massa_voertuig": self.max_mass_kg,
            "brandstof": "/".join(self.fuels),
            "emissieklasse": self.registered_emission_class,
            "bijzonderheden": ",".join(self.special_codes) or None,
            "carrosseriecodes": ",".join(self.body_codes) or None,
            "inrichting": self.inrichting,
        }


@dataclass(frozen=True)
class VehicleDescription:
    """What a reviewer compares with the photo against a cloned plate: RDW merk, handelsbenaming and
    eerste_kleur. Kept in PostgreSQL only, never in the in-memory index: judging does not use them and a
    million vehicles would carry three more strings each (issue 19)."""

    plate: str
    make: str | None  # merk: VOLKSWAGEN
    model: str | None  # handelsbenaming: GOLF
    colour: str | None  # eerste_kleur: GRIJS, ZWART, WIT, ... (RDW's Dutch words, upper case)


def registry_plate(text: str) -> str | None:
    """A plate as the registry keys it (upper case, no dashes or spaces), or None when it cannot be one:
    empty, too long, or anything but ASCII letters and digits (no SQL, no look-alike unicode)."""
    plate = text.strip().upper().replace("-", "").replace(" ", "")
    return plate if 0 < len(plate) <= PLATE_MAX and plate.isascii() and plate.isalnum() else None
