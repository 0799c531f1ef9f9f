"""A synthetic national-size file set for testing the importer at scale (never commit its output).

The CSV download's header style and every column of the real base export (about 95; the importer reads
seven), a national mix of vehicle types, fuels and ages, hybrids with two fuel rows, codes for some, and
a few impossible values at fixed intervals, so the importer's counts can be checked.
"""

import csv
import random
from pathlib import Path

from plates import enumerated_plate, pattern

_BASE_LABELS = (
    "Kenteken,Voertuigsoort,Merk,Handelsbenaming,Vervaldatum APK,Datum tenaamstelling,Bruto BPM,Inrichting,"
    "Aantal zitplaatsen,Eerste kleur,Tweede kleur,Aantal cilinders,Cilinderinhoud,Massa ledig voertuig,"
    "Toegestane maximum massa voertuig,Massa rijklaar,Maximum massa trekken ongeremd,Maximum trekken massa geremd,"
    "Datum eerste toelating,Datum eerste tenaamstelling in Nederland,Wacht op keuren,Catalogusprijs,WAM verzekerd,"
    "Maximale constructiesnelheid,Laadvermogen,Oplegger geremd,Aanhangwagen autonoom geremd,"
    "Aanhangwagen middenas geremd,Aantal staanplaatsen,Aantal deuren,Aantal wielen,"
    "Afstand hart koppeling tot achterzijde voertuig,Afstand voorzijde voertuig tot hart koppeling,"
    "Afwijkende maximum snelheid,Lengte,Breedte,Europese voertuigcategorie,Europese voertuigcategorie toevoeging,"
    "Europese uitvoeringcategorie toevoeging,Plaats chassisnummer,Technische max. massa voertuig,Type,"
    "Type gasinstallatie,Typegoedkeuringsnummer,Variant,Uitvoering,Volgnummer wijziging EU typegoedkeuring,"
    "Vermogen massarijklaar,Wielbasis,Export indicator,Openstaande terugroepactie indicator,Vervaldatum tachograaf,"
    "Taxi indicator,Maximum massa samenstelling,Aantal rolstoelplaatsen,Maximum ondersteunende snelheid,"
    "Jaar laatste registratie tellerstand,Tellerstandoordeel,Code toelichting tellerstandoordeel,"
    "Tenaamstellen mogelijk,Vervaldatum APK DT,Datum tenaamstelling DT,Datum eerste toelating DT,"
    "Datum eerste tenaamstelling in Nederland DT,Vervaldatum tachograaf DT,"
    "Maximum last onder de vooras(sen) (tezamen)/koppeling,Type remsysteem voertuig code,"
    "Rupsonderstelconfiguratiecode,Wielbasis voertuig minimum,Wielbasis voertuig maximum,Lengte voertuig minimum,"
    "Lengte voertuig maximum,Breedte voertuig minimum,Breedte voertuig maximum,Hoogte voertuig,"
    "Hoogte voertuig minimum,Hoogte voertuig maximum,Massa bedrijfsklaar minimaal,Massa bedrijfsklaar maximaal,"
    "Technisch toelaatbaar massa koppelpunt,Maximum massa technisch maximaal,Maximum massa technisch minimaal,"
    "Subcategorie Nederland,Verticale belasting koppelpunt getrokken voertuig,Zuinigheidsclassificatie,"
    "Registratie datum goedkeuring (afschrijvingsmoment BPM),"
    "Registratie datum goedkeuring (afschrijvingsmoment BPM) DT,API Gekentekende_voertuigen_assen,"
    "API Gekentekende_voertuigen_brandstof,API Gekentekende_voertuigen_carrosserie,"
    "API Gekentekende_voertuigen_carrosserie_specifiek,API Gekentekende_voertuigen_voertuigklasse"
)
_FUEL_LABELS = (
    "Kenteken,Brandstof volgnummer,Brandstof omschrijving,Brandstofverbruik buiten de stad,"
    "Brandstofverbruik gecombineerd,Brandstofverbruik stad,CO2 uitstoot gecombineerd,CO2 uitstoot gewogen,"
    "Geluidsniveau rijdend,Geluidsniveau stationair,Emissiecode omschrijving,Milieuklasse EG Goedkeuring (licht),"
    "Milieuklasse EG Goedkeuring (zwaar),Uitstoot deeltjes (licht),Uitstoot deeltjes (zwaar),Nettomaximumvermogen,"
    "Nominaal continu maximumvermogen,Roetuitstoot,Toerental geluidsniveau,Klasse hybride elektrisch voertuig,"
    "Opgegeven maximum snelheid,Uitlaatemissieniveau"
)
BASE_HEADER, FUEL_HEADER = _BASE_LABELS.split(","), _FUEL_LABELS.split(",")
SPECIAL_HEADER = ("Kenteken", "Bijzonderheid volgnummer", "Bijzonderheid code", "Bijzonderheid code omschrijving",
                  "Bijzonderheid variabele tekst", "Bijzonderheid eenheid")  # fmt: skip
BODY_HEADER = ("Kenteken", "Carrosserie volgnummer", "Carrosserietype", "Type Carrosserie Europese omschrijving")
SPECIFIC_HEADER = ("Kenteken", "Carrosserie volgnummer", "Carrosserie voertuig nummer code volgnummer",
                   "Carrosseriecode", "Carrosserie voertuig nummer europese omschrijving")  # fmt: skip
AT = {name: i for i, name in enumerate(BASE_HEADER)}
API = "https://opendata.rdw.nl/resource/"
CONSTANT = {"Tweede kleur": "Niet geregistreerd", "Wacht op keuren": "Geen verstrekking in Open Data",
            "WAM verzekerd": "Ja", "Export indicator": "Nee", "Openstaande terugroepactie indicator": "Nee",
            "Taxi indicator": "Nee", "Tenaamstellen mogelijk": "Ja", "Tellerstandoordeel": "Logisch",
            "API Gekentekende_voertuigen_assen": API + "3huj-srit.json",
            "API Gekentekende_voertuigen_brandstof": API + "8ys7-d773.json",
            "API Gekentekende_voertuigen_carrosserie": API + "vezc-m2t6.json",
            "API Gekentekende_voertuigen_carrosserie_specifiek": API + "jhie-znh9.json",
            "API Gekentekende_voertuigen_voertuigklasse": API + "kmfi-hrps.json"}  # fmt: skip
TEMPLATE = [CONSTANT.get(name, "") for name in BASE_HEADER]
COLOURS = ("GRIJS", "ZWART", "WIT", "BLAUW", "ROOD", "GROEN", "BEIGE")
# The impossible values, each at its own interval (row index % interval == offset).
BAD_DATE, BAD_MASS, NO_PLATE, DUPLICATE, BAD_SEQ = 20011, 25013, 50021, 100003, 50023


def _class(year: int, rng: random.Random) -> str:
    if rng.random() < 0.1:
        return ""  # not registered: derived from DET and mass
    limits = ((1993, ""), (1997, "1"), (2001, "2"), (2006, "3"), (2010, "4"), (2015, "5"))
    return next((k for last, k in limits if year < last), "6")


def _vehicle(rng: random.Random) -> tuple[str, str, str, str, int, int, list[tuple[str, str]]]:
    """(voertuigsoort, category, inrichting, merk, max mass, empty mass, fuels) of a national mix."""
    year = max(1950, 2025 - int(rng.expovariate(1 / 9)))
    klass, r, f = _class(year, rng), rng.random(), rng.random()
    ev = [("Elektriciteit", "Z")]
    if r < 0.80:
        empty = rng.randrange(850, 1800)
        mix = (
            (0.62, [("Benzine", klass)]),
            (0.80, [("Diesel", klass)]),
            (0.90, ev),
            (0.97, [("Benzine", klass), ("Elektriciteit", "")]),
            (1.0, [("Benzine", klass), ("LPG", klass)]),
        )
        fuels = next(choice for limit, choice in mix if f < limit)
        body = ("hatchback", "stationwagen", "sedan", "mpv", "kampeerwagen")[min(int(rng.random() * 4.02), 4)]
        return "Personenauto", "M1", body, str(year), empty + rng.randrange(400, 700), empty, fuels
    if r < 0.90:
        empty = rng.randrange(1300, 2300)
        fuels = [("Diesel", klass)] if f < 0.85 else ev if f < 0.93 else [("Benzine", klass)]
        return "Bedrijfsauto", "N1", "gesloten opbouw", str(year), rng.randrange(2500, 3501), empty, fuels
    if r < 0.92:
        category = "N3" if f < 0.7 else "N2"
        body = "opleggertrekker" if rng.random() < 0.4 and category == "N3" else "gesloten opbouw"
        fuels = [("Diesel", klass)] if f < 0.93 else ev if f < 0.97 else [("LNG", klass)]
        return "Bedrijfsauto", category, body, str(year), 19500 if category == "N3" else 11990, 7500, fuels
    if r < 0.925:
        return "Bus", "M3", "bus", str(year), 19000, 11500, [("Diesel", klass)] if f < 0.8 else ev
    if r < 0.975:
        return "Motorfiets", "L3e", "N.v.t.", str(year), 0, rng.randrange(150, 300), [("Benzine", "")]
    return "Bromfiets", "L1e", "N.v.t.", str(year), 0, rng.randrange(80, 120), [("Benzine", "")] if f < 0.6 else ev


def write_national(out: Path, rows: int) -> dict[str, int]:
    """Write the five files; returns how many impossible values of each kind went in."""
    rng = random.Random(rows)
    counters: dict[str, int] = {}
    bad = {"impossible date": 0, "impossible mass": 0, "no plate": 0, "duplicate plate": 0, "bad fuel seq": 0}
    names = ("voertuigen.csv", "brandstof.csv", "bijzonderheden.csv", "carrosserie.csv", "carrosserie_specifiek.csv")
    handles = [(out / name).open("w", newline="", encoding="utf-8") for name in names]
    try:
        base, fuel, special, body, specific = (csv.writer(h, lineterminator="\n") for h in handles)
        for writer, header in zip(
            (base, fuel, special, body, specific),
            (BASE_HEADER, FUEL_HEADER, SPECIAL_HEADER, BODY_HEADER, SPECIFIC_HEADER),
            strict=True,
        ):
            writer.writerow(header)
        plate = ""
        for i in range(rows):
            soort, category, inrichting, year, mass, empty, fuels = _vehicle(rng)
            det = f"{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            key = pattern(int(year))
            counters[key] = counters.get(key, 0) + 1
            if i % DUPLICATE == 17 and plate:
                bad["duplicate plate"] += 1  # the same plate as the row before
            else:
                plate = enumerated_plate(int(year), counters[key])
            row = TEMPLATE.copy()
            row[AT["Kenteken"]] = "" if i % NO_PLATE == 13 else plate
            bad["no plate"] += i % NO_PLATE == 13
            row[AT["Voertuigsoort"]], row[AT["Europese voertuigcategorie"]] = soort, category
            row[AT["Merk"]], row[AT["Handelsbenaming"]], row[AT["Inrichting"]] = "MERK", f"MODEL {i % 97}", inrichting
            row[AT["Eerste kleur"]] = COLOURS[i % len(COLOURS)]
            row[AT["Datum eerste toelating"]] = "20230231" if i % BAD_DATE == 7 else det
            bad["impossible date"] += i % BAD_DATE == 7
            row[AT["Datum eerste tenaamstelling in Nederland"]] = det
            row[AT["Datum eerste toelating DT"]] = f"{det[4:6]}/{det[6:]}/{det[:4]} 12:00:00 AM"
            row[AT["Toegestane maximum massa voertuig"]] = str(mass) if mass else ""
            row[AT["Massa rijklaar"]] = "onbekend" if i % BAD_MASS == 11 else str(empty)
            bad["impossible mass"] += i % BAD_MASS == 11
            row[AT["Massa ledig voertuig"]] = str(empty - 100)
            base.writerow(row)
            for n, (name, code) in enumerate(fuels, 1):
                seq = "x" if i % BAD_SEQ == 19 and n == 1 else str(n)
                bad["bad fuel seq"] += seq == "x"
                level = f"EURO {code}" if code.isdigit() else ""
                fuel.writerow((row[0], seq, name, *[""] * 7, code, *[""] * 10, level))
            _codes(rng, row[0], category, inrichting, special, body, specific)
    finally:
        for handle in handles:
            handle.close()
    return bad


def _codes(rng: random.Random, plate: str, category: str, inrichting: str, *writers: "csv._writer") -> None:
    special, body, specific = writers
    r = rng.random()
    if r < 0.003:
        special.writerow((plate, "1", rng.choice(("70", "145", "146", "147", "149")), "rolstoeltoegankelijk", "", ""))
    elif r < 0.015:
        special.writerow((plate, "1", "24", "bijzonderheid", "", ""))
    if category.startswith("L"):
        return
    bodies = {"hatchback": "AB", "stationwagen": "AC", "sedan": "AA", "mpv": "AF", "kampeerwagen": "SA", "bus": "CE"}
    code = "SH" if r < 0.001 else bodies.get(inrichting, "BC" if inrichting == "opleggertrekker" else "BA")
    body.writerow((plate, "1", "BB" if category == "N1" else code, ""))
    if category in ("N1", "N2", "N3") and inrichting != "opleggertrekker":
        choice = "03" if category == "N1" or r > 0.2 else rng.choice(("10", "15", "16", "19", "23", "26", "27", "31"))
        specific.writerow((plate, "1", "1", choice, ""))
