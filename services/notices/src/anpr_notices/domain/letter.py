"""The warning letter for warn mode: one printable HTML page in Dutch, no external resources."""

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip

_STYLE = """
@page { size: A4; margin: 25mm 20mm; }
body { font-family: Georgia, 'Times New Roman', serif; font-size: 11pt; line-height: 1.45; color: #000;
       max-width: 170mm; margin: 2em auto; }
h1 { font-size: 18pt; letter-spacing: .05em; margin: 0 0 1em; }
table { border-collapse: collapse; margin: 1em 0; }
th { text-align: left; padding: .2em 1.5em .2em 0; font-weight: normal; color: #333; }
td { padding: .2em 0; font-weight: bold; }
.reference, footer { font-size: 9pt; color: #333; }
@media print { body { margin: 0; } }
"""


def dutch_moment(moment: datetime) -> str:
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M} uur"


def signing_officer(candidate: Mapping[str, Any]) -> str:
    """The display name of the reviewer whose acceptance issued the warning (the second one under
    four-eyes); the subject for a decision recorded before names were kept."""
    accepts = [d for d in candidate["decisions"] if d["decision"] == "accept"]
    if not accepts:
        raise ValueError("a warning letter needs the acceptance that issued it")
    last = accepts[-1]
    return str(last.get("by_name") or last["by"])


def render_warning_letter(candidate: Mapping[str, Any]) -> str:
    plate = escape(candidate["formatted"] or candidate["plate"])
    regime = escape(candidate["regime_id"])
    place = escape(candidate["location_id"] or "onbekende locatie")
    moment = escape(dutch_moment(candidate["observed_at"]))
    legal = escape(candidate["legal_reference"])
    reference = escape(str(candidate["candidate_id"]))
    officer = escape(signing_officer(candidate))
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Waarschuwing {plate}</title>
<style>{_STYLE}</style>
</head>
<body>
<p class="reference">Kenmerk: {reference}</p>
<h1>Waarschuwing</h1>
<p>Geachte heer, mevrouw,</p>
<p>Met een camera is vastgesteld dat het voertuig met kenteken <strong>{plate}</strong> de regeling
<strong>{regime}</strong> niet heeft nageleefd.</p>
<table>
<tr><th>Kenteken</th><td>{plate}</td></tr>
<tr><th>Regeling</th><td>{regime}</td></tr>
<tr><th>Plaats</th><td>{place}</td></tr>
<tr><th>Moment</th><td>{moment}</td></tr>
<tr><th>Wettelijke grondslag</th><td>{legal}</td></tr>
<tr><th>Beoordeeld door</th><td>{officer}</td></tr>
</table>
<p>Deze keer ontvangt u alleen deze waarschuwing: u hoeft niets te betalen. Een medewerker van de
gemeente heeft de foto's beoordeeld voordat deze brief werd verstuurd.</p>
<p><strong>Let op: bij een volgende overtreding volgt een boete.</strong></p>
<p>Met vriendelijke groet,<br>{officer}<br>namens de gemeente, team handhaving</p>
<footer>Noem bij vragen altijd het kenmerk bovenaan deze brief.</footer>
</body>
</html>
"""
