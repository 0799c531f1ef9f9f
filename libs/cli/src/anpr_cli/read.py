"""`anpr read`: the plates in image files, one JSON line per image, in order.

The reader takes the frames a few ahead of the one printed and reads them side by side on every core. The
script starts this command without importing the rest of the CLI (see entry.py): over a hundred frames,
the seconds those imports take would be a large share of the run."""

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer


def read(images: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)]) -> None:
    """Read the plates in images: one JSON object per image, in order, on its own line."""
    from anpr_recognition import DEFAULT_MAX_PIXELS, ImageDecodeError, OnnxPlateReader

    reader = OnnxPlateReader.from_installed_packages()
    failed = False
    # Refused above the service's pixel limit before decoding, like a frame on the topic. Files are read
    # only a few ahead of the frame being printed.
    results = reader.read_each((image.read_bytes() for image in images), max_pixels=DEFAULT_MAX_PIXELS)
    last = time.perf_counter()
    for image, result in zip(images, results, strict=True):
        # Frames are read side by side: a frame's time is the time its line took after the one before.
        now = time.perf_counter()
        ms, last = round((now - last) * 1000, 1), now
        if isinstance(result, ImageDecodeError):
            typer.echo(json.dumps({"image": str(image), "error": str(result)}))
            failed = True
        else:
            typer.echo(json.dumps({"image": str(image), "plates": [_plate(p) for p in result], "ms": ms}))
    if failed:
        raise typer.Exit(1)


def _plate(plate: Any) -> dict[str, Any]:
    return {
        "text": plate.text,
        "formatted": plate.formatted,
        "country": plate.country,
        "confidence": round(plate.confidence, 4),
        "box": list(plate.box),
    }


read_app = typer.Typer(add_completion=False, help="ANPR enforcement platform: read plates in image files")
read_app.command()(read)
