"""A generated vehicle and its rows in each RDW file's shape. All facts are invented."""

import zlib
from dataclasses import dataclass

# carrosserietype (vezc-m2t6) by inrichting, carrosseriecode (jhie-znh9) descriptions: EU 2007/46 annex II.
BODY_TYPES = {
    "hatchback": ("AB", "Hatchback"), "stationwagen": ("AC", "Stationwagen"), "sedan": ("AA", "Sedan"),
    "mpv": ("AF", "MPV"), "kampeerwagen": ("SA", "Kampeerwagen"), "gesloten opbouw": ("BB", "Bestelwagen"),
    "opleggertrekker": ("BC", "Trekker voor oplegger"), "bus": ("CE", "Enkeldeks lagevloer"),
}  # fmt: skip
TRUCK = ("BA", "Vrachtwagen")
SPECIAL_BODIES = {"SB": "Gepantserd voertuig", "SF": "Mobiele kraan", "SH": "Rolstoeltoegankelijk voertuig"}
BODY_CODES = {
    "03": "Gesloten opbouw", "10": "Kipper", "15": "Betonmixer", "16": "Betonpomp",
    "19": "Straatveger, reinigings- of rioolreinigingsvoertuig", "23": "Verkoopwagen", "26": "Kraanwagen",
    "27": "Hoogwerker", "31": "Brandweervoertuig",
}  # fmt: skip
SPECIAL_CODES = {"70": "rolstoelplaats", "145": "rolstoeltoegankelijk", "146": "rolstoeltoegankelijk",
                 "147": "rolstoeltoegankelijk", "149": "rolstoeltoegankelijk"}  # fmt: skip
HEAVY = {"N2", "N3", "M2", "M3"}
# eerste_kleur in the RDW's own words, repeated roughly as often as on Dutch roads (grey, black, white first).
COLOURS = ("GRIJS",) * 4 + ("ZWART",) * 4 + ("WIT",) * 3 + ("BLAUW",) * 3 + ("ROOD",) * 2 + (
    "GROEN", "BEIGE", "BRUIN", "GEEL", "ORANJE")  # fmt: skip


def colour_of(plate: str) -> str:
    """The same colour for a plate on every run and machine (crc32, unlike hash(), is not salted), and
    without drawing from the catalogue's random generator, which would change every plate after it."""
    return COLOURS[zlib.crc32(plate.encode()) % len(COLOURS)]


@dataclass
class Vehicle:
    kind: str
    category: str
    inrichting: str
    det: str  # YYYYMMDD
    masses: tuple[int | None, int | None]  # toegestane maximum massa, massa rijklaar
    fuels: tuple[tuple[str, str], ...]  # (brandstof, emissiecode): "" not registered, Z zero emission
    make: tuple[str, str]
    special: tuple[str, ...] = ()
    body: str = ""  # carrosserietype when not the usual one for the inrichting (SB, SF, SH)
    codes: tuple[str, ...] = ()  # carrosseriecode
    plate: str = ""

    def base_row(self) -> tuple[str, ...]:
        mass, ready = (str(m) if m is not None else "" for m in self.masses)
        row = (self.plate, self.kind, *self.make, self.category, self.inrichting, self.det, mass, ready)
        return (*row, colour_of(self.plate))

    def fuel_rows(self) -> list[tuple[str, ...]]:
        def level(code: str) -> str:
            return (
                ""
                if not code.isdigit()
                else f"EURO {'VI' if code == '6' else 'V'}"
                if self.category in HEAVY
                else f"EURO {code}"
            )

        return [(self.plate, str(n), fuel, code, level(code)) for n, (fuel, code) in enumerate(self.fuels, 1)]

    def special_rows(self) -> list[tuple[str, ...]]:
        return [(self.plate, str(n), code, SPECIAL_CODES[code]) for n, code in enumerate(self.special, 1)]

    def body_rows(self) -> list[tuple[str, ...]]:
        if self.category.startswith("L"):
            return []  # mopeds and motorcycles have no carrosserie row
        usual = TRUCK if self.category in ("N2", "N3") and self.inrichting != "opleggertrekker" else None
        code, text = (self.body, SPECIAL_BODIES[self.body]) if self.body else usual or BODY_TYPES[self.inrichting]
        return [(self.plate, "1", code, text)]

    def specific_rows(self) -> list[tuple[str, ...]]:
        return [(self.plate, "1", str(n), code, BODY_CODES[code]) for n, code in enumerate(self.codes, 1)]
