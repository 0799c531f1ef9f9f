"""HTML (Jinja2, figures inlined as PNG) and PDF (matplotlib's PdfPages: a pure wheel, no system libraries)."""

import base64
import io
from pathlib import Path

import jinja2
from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from anpr_pilot.report.data import PilotData
from anpr_pilot.report.plots import FIGURES


def _png(name: str, data: PilotData) -> bytes:
    figure = FIGURES[name](data)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def render_html(data: PilotData) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("anpr_pilot", "report/templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    figures = {name: base64.b64encode(_png(name, data)).decode() for name in FIGURES}
    return environment.get_template("report.html.j2").render(data=data, figures=figures)


def render_pdf(data: PilotData, path: Path) -> int:
    """A summary page, then one page per figure; returns the number of pages."""
    with PdfPages(path, metadata={"Title": "ANPR pilot report"}) as pdf:
        pdf.savefig(_summary_page(data))
        plt.close("all")
        for name in FIGURES:
            figure = FIGURES[name](data)
            figure.set_size_inches(11.69, 8.27)  # A4 landscape
            pdf.savefig(figure)
            plt.close(figure)
        return 1 + len(FIGURES)


def _summary_page(data: PilotData) -> Figure:
    figure = plt.figure(figsize=(11.69, 8.27))
    lines = [
        f"ANPR pilot report {data.since:%Y-%m-%d} to {data.until:%Y-%m-%d}",
        "",
        *(
            f"{c.camera_id} ({c.kind}) at {', '.join(c.locations) or '-'}: {c.reads} reads, "
            f"capture {'-' if c.capture_rate is None else f'{c.capture_rate:.2f}'} reads/frame, "
            f"uptime {'-' if c.uptime is None else f'{100 * c.uptime:.1f} %'}"
            for c in data.cameras
        ),
        "",
        *(
            f"{regime}: {', '.join(f'{o} {n}' for o, n in sorted(o.items()))}"
            for regime, o in sorted(data.outcomes_per_regime.items())
        ),
        "",
        f"decided {data.decided}, misreads {data.misreads}"
        + ("" if data.misread_rate is None else f" ({100 * data.misread_rate:.1f} %)"),
        f"backlog: {', '.join(f'{k} {v}' for k, v in data.backlog.items())}",
        "permits valid in the period: "
        + (", ".join(f"{k} {v}" for k, v in sorted(data.exemptions_by_kind.items())) or "none"),
        *data.notes,
    ]
    figure.text(0.05, 0.95, "\n".join(lines), va="top", family="monospace", fontsize=9)
    return figure


def write_report(data: PilotData, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    html, pdf = directory / "pilot-report.html", directory / "pilot-report.pdf"
    html.write_text(render_html(data))
    render_pdf(data, pdf)
    return html, pdf
