"""`anpr read` as an operator runs it: the installed script, a process per run. One JSON line per image in
the order given, a clear error on the line of an image it cannot read (the others read all the same, the
exit status 1), and a start that does not import the rest of the CLI."""

import io
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

FRAMES = Path(__file__).parents[3] / "deploy/demo/frames"


def anpr() -> list[str]:
    script = Path(sys.executable).with_name("anpr")
    assert script.is_file(), "the workspace installs the anpr script beside its python"
    return [str(script)]


def jpeg_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def declaring(width: int, height: int) -> bytes:
    """A real JPEG whose frame header declares another size (a decompression bomb's first bytes)."""
    data = jpeg_of(Image.new("RGB", (64, 48), (30, 30, 30)))
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], int]:
    folder = tmp_path_factory.mktemp("frames")
    plate = FRAMES / "c12_28.jpg"
    png = io.BytesIO()
    Image.open(plate).save(png, "PNG")
    files = {
        "plate.jpg": plate.read_bytes(),
        "png.jpg": png.getvalue(),
        "truncated.jpg": plate.read_bytes()[:5000],
        "grey.jpg": jpeg_of(Image.open(plate).convert("L")),
        "tiny.jpg": jpeg_of(Image.new("RGB", (3, 2), (200, 200, 200))),
        "black.jpg": jpeg_of(Image.new("RGB", (640, 480))),
        "bomb.jpg": declaring(13000, 13000),
        "two.jpg": (FRAMES / "c3_1.jpg").read_bytes(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    # More frames than one chunk of the reader, so order across chunks is checked too.
    for index in range(9):
        shutil.copyfile(plate, folder / f"again{index}.jpg")
    names = [*files, *(f"again{index}.jpg" for index in range(9))]
    done = subprocess.run(
        [*anpr(), "read", *(str(folder / name) for name in names)], capture_output=True, text=True, timeout=600
    )
    parsed = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(str(line["image"])).name for line in parsed] == names
    return parsed, done.returncode


def test_each_image_gets_its_line_in_order_and_a_bad_one_fails_the_run(
    lines: tuple[list[dict[str, Any]], int],
) -> None:
    parsed, status = lines
    assert status == 1
    by_name = {Path(str(line["image"])).name: line for line in parsed}
    assert [p["text"] for p in by_name["plate.jpg"]["plates"]] == ["72TBZ9"]
    assert len(by_name["two.jpg"]["plates"]) == 2
    for index in range(9):
        assert by_name[f"again{index}.jpg"]["plates"] == by_name["plate.jpg"]["plates"]


def test_an_image_it_cannot_read_gets_a_clear_error_and_no_plates(lines: tuple[list[dict[str, Any]], int]) -> None:
    by_name = {Path(str(line["image"])).name: line for line in lines[0]}
    assert str(by_name["png.jpg"]["error"]).startswith("not a JPEG frame")
    assert str(by_name["truncated.jpg"]["error"]).startswith("not a decodable image")
    assert "13000x13000 = 169000000 pixels, limit is 25000000" in str(by_name["bomb.jpg"]["error"])
    for name in ("png.jpg", "truncated.jpg", "bomb.jpg"):
        assert "plates" not in by_name[name]


def test_grey_tiny_and_black_images_are_read_and_hold_no_invented_plates(
    lines: tuple[list[dict[str, Any]], int],
) -> None:
    by_name = {Path(str(line["image"])).name: line for line in lines[0]}
    assert [p["text"] for p in by_name["grey.jpg"]["plates"]] == ["72TBZ9"]
    assert by_name["tiny.jpg"]["plates"] == []
    assert by_name["black.jpg"]["plates"] == []


def test_read_starts_without_the_rest_of_the_cli() -> None:
    heavy = ("anpr_cli.main", "anpr_bench", "fastapi", "sqlalchemy")
    probe = (
        "import sys\n"
        "sys.argv = ['anpr', 'read', '--help']\n"
        "from anpr_cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', ' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert "Read the plates in images" in done.stdout
    assert done.stdout.splitlines()[-1] == "LOADED "


def test_the_full_cli_still_lists_read() -> None:
    done = subprocess.run([*anpr(), "--help"], capture_output=True, text=True, timeout=120, check=True)
    assert "read" in done.stdout
    assert "bench" in done.stdout
