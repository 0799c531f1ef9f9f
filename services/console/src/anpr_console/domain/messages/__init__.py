"""The console's words in Dutch (first) and English: one module per screen (same keys in both languages),
merged into one catalogue per language here, so screens are added without touching each other's words."""

from anpr_console.domain.messages import (
    applications,
    core,
    loket,
    operations,
    permits,
    pilot,
    pilot_report,
    supervisor,
)

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
_PARTS = (core, permits, applications, operations, supervisor, pilot, pilot_report, loket)

NL: dict[str, str] = {key: text for part in _PARTS for key, text in part.NL.items()}
EN: dict[str, str] = {key: text for part in _PARTS for key, text in part.EN.items()}
CATALOGUE = {"nl": NL, "en": EN}


def language(requested: str | None) -> str:
    return requested if requested in CATALOGUE else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **values: object) -> str:
    """The text in `lang`; a key missing there falls back to Dutch, then to the key itself (visible, not a 500)."""
    text = CATALOGUE.get(lang, NL).get(key) or NL.get(key) or key
    return text.format(**values) if values else text
