"""The pilot report renders: HTML with every section and figure, a PDF whose pages are real pictures."""

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pypdfium2

from anpr_pilot.report.data import CameraFigures, PilotData
from anpr_pilot.report.render import render_html, write_report


def a_pilot() -> PilotData:
    return PilotData(
        since=datetime(2026, 11, 2, tzinfo=UTC),
        until=datetime(2026, 11, 30, tzinfo=UTC),
        cameras=[
            CameraFigures("cam-centrum-1", "fixed", ("loc-centrum-noord",), 40_000, 9_100, 0.982),
            CameraFigures("cam-rotating-1", "rotating", ("loc-centrum-zuid", "loc-west"), 21_000, 4_050, 0.871),
        ],
        reads_per_location={"loc-centrum-noord": 9_100, "loc-centrum-zuid": 2_500, "loc-west": 1_550},
        hits=[("milieuzone-centrum", "loc-centrum-noord", h, 3 + (h % 7)) for h in range(24)]
        + [("ze-zone-centrum", "loc-centrum-zuid", h, 1 + (h % 3)) for h in range(6, 20)],
        outcomes_per_regime={"milieuzone-centrum": {"candidate": 120, "no_hit": 8_700, "exempt": 40, "duplicate": 9}},
        confidence_bins=[(0.5 + i / 20, 0.55 + i / 20, 2 + i * i) for i in range(10)],
        decided=110,
        misreads=4,
        decisions_per_day={date(2026, 11, d): 5 + d % 4 for d in range(2, 28)},
        reviewer_hours=31,
        backlog={"pending": 12, "awaiting_second_review": 1, "reevaluating": 0},
        oldest_waiting_hours=26.5,
        exemptions_by_kind={"resident": 14, "day-permit": 3},
        exempt_reads_per_regime={"milieuzone-centrum": 40},
        notes=["Uptime from camera health minutes, kept 7 days: the last 7 days of the period."],
    )


def test_the_html_report_has_every_section_figures_and_no_plate() -> None:
    html = render_html(a_pilot())

    for heading in ("Cameras", "Recognition", "Hits per regime", "Review throughput", "Exemptions"):
        assert f"<h2>{heading}" in html
    assert html.count("data:image/png;base64,") == 4
    assert "3.6 %" in html  # 4 misreads of 110 decided
    assert "cam-rotating-1" in html
    assert "loc-west" in html
    assert "87.1 %" in html  # uptime of the rotating camera
    # hits per location and regime: 24 hours of 3..9 at loc-centrum-noord for the milieuzone
    assert f"<tr><td>loc-centrum-noord</td><td>{sum(3 + h % 7 for h in range(24))}</td>" in html


def test_the_pdf_pages_are_pictures_with_content(tmp_path: Path) -> None:
    html, pdf = write_report(a_pilot(), tmp_path)

    assert html.exists()
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 5  # the summary and four figures
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            assert width > height  # A4 landscape
            pixels = np.asarray(page.render(scale=0.5).to_pil().convert("RGB"), dtype=np.int16)
            ink = (pixels.sum(axis=2) < 600).mean()  # share of pixels that are not (near) white
            assert 0.002 < ink < 0.6, f"page {index + 1}: {ink:.4f} of the page inked"
            if index > 0:  # a figure page has colour (bars, lines), not only black text
                colourful = (pixels.max(axis=2) - pixels.min(axis=2) > 30).mean()
                assert colourful > 0.001, f"page {index + 1} has no coloured plot"
    finally:
        document.close()
