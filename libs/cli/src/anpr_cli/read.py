"""`anpr read`: the plates in image files, one JSON line per image, in order.

The frames are handed to the reader a few at a time, which reads them side by side on every core. The
script starts this command without importing the rest of the CLI (see entry.py): over a hundred frames,
the seconds those imports take would be a large share of the run."""

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

# Frames handed to the reader at once: enough to keep every core busy to the end of each chunk, few enough
# that lines appear as the run goes and only a few files' bytes are held.
_CHUNK = 8


def read(images: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)]) -> None:
    """Read the plates in images: one JSON object per image, in order, on its own line."""
    from anpr_recognition import DEFAULT_MAX_PIXELS, ImageDecodeError, OnnxPlateReader

    reader = OnnxPlateReader.from_installed_packages()
    failed = False
    for start in range(0, len(images), _CHUNK):
        chunk = images[start : start + _CHUNK]
        started = time.perf_counter()
        # Refused above the service's pixel limit before decoding, like a frame on the topic.
        results = reader.read_each([image.read_bytes() for image in chunk], max_pixels=DEFAULT_MAX_PIXELS)
        share_ms = round((time.perf_counter() - started) * 1000 / len(chunk), 1)  # frames are read together
        for image, result in zip(chunk, results, strict=True):
            if isinstance(result, ImageDecodeError):
                typer.echo(json.dumps({"image": str(image), "error": str(result)}))
                failed = True
            else:
                typer.echo(json.dumps({"image": str(image), "plates": [_plate(p) for p in result], "ms": share_ms}))
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
