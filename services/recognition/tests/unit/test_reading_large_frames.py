"""A frame larger than the detector needs is decoded at reduced size; its plates are read from the reduced
pixels where they are tall enough for the recogniser, otherwise from the full resolution, and every box
is given in the frame's own pixels. Frames of a batch are read side by side, each stage timed."""

import io
from pathlib import Path

import pytest
from PIL import Image

from anpr_recognition.adapters.onnx_reader import ImageDecodeError, OnnxPlateReader
from anpr_recognition.adapters.stage_clock import STAGES

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"
UPSCALE = 3  # 640x480 -> 1920x1440, decoded at 960x720 for the detector


@pytest.fixture(scope="module")
def reader() -> OnnxPlateReader:
    return OnnxPlateReader.from_installed_packages(threads=2)


def upscaled(name: str, factor: int = UPSCALE) -> bytes:
    with Image.open(FRAMES / name) as image:
        large = image.resize((image.width * factor, image.height * factor), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    large.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    width = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - width * height
    return width * height / union


@pytest.mark.parametrize(
    ("name", "plate", "label_box"),
    [
        # 27 pixels high here, 40 in the reduced 1920x1440 frame: lower than the recogniser's line, cut
        # from the full resolution.
        ("c12_1.jpg", "RPNL93", (315, 241, 423, 268)),
        # 66 pixels high here, 99 in the reduced frame: read from the reduced pixels.
        ("c12_10.jpg", "24LBHT", (274, 322, 522, 388)),
    ],
)
def test_a_large_frame_is_read_with_boxes_in_its_own_pixels(
    reader: OnnxPlateReader, name: str, plate: str, label_box: tuple[int, int, int, int]
) -> None:
    (reading,) = reader.read(upscaled(name))
    assert reading.text == plate
    expected = tuple(UPSCALE * value for value in label_box)
    assert overlap(reading.box, expected) > 0.6, f"{reading.box} is not the plate at {expected}"  # type: ignore[arg-type]


def test_a_large_frame_reads_as_the_frame_it_was_made_from(reader: OnnxPlateReader) -> None:
    original = reader.read((FRAMES / "c3_1.jpg").read_bytes())
    large = reader.read(upscaled("c3_1.jpg"))
    assert [plate.text for plate in large] == [plate.text for plate in original]
    assert [plate.box[0] for plate in large] == sorted(plate.box[0] for plate in large)


def test_read_many_gives_the_first_bad_frame_its_error(reader: OnnxPlateReader) -> None:
    good = (FRAMES / "c12_1.jpg").read_bytes()
    with pytest.raises(ImageDecodeError, match="not a decodable image"):
        reader.read_many([good, good[: len(good) // 2], good, b"\xff\xd8\xff nothing"])


def test_every_stage_of_reading_is_timed_per_frame(reader: OnnxPlateReader) -> None:
    frames = [(FRAMES / name).read_bytes() for name in ("c12_28.jpg", "c3_1.jpg", "c12_6.jpg", "c12_2.jpg")]
    reader.stages.reset()
    reader.read_many(frames)
    wall, cpu = reader.stages.per_frame_ms(), reader.stages.per_frame_ms(cpu=True)
    assert list(wall) == list(cpu) == list(STAGES)
    assert all(wall[stage] > 0 and cpu[stage] > 0 for stage in STAGES), (wall, cpu)
    # The detector is the largest stage on every machine we have measured.
    assert max(cpu, key=cpu.__getitem__) == "detect"
    reader.stages.reset()
    assert set(reader.stages.per_frame_ms().values()) == {0.0}


def test_read_each_gives_each_bad_frame_its_error_in_its_place(reader: OnnxPlateReader) -> None:
    good = (FRAMES / "c12_1.jpg").read_bytes()
    frames = [good, good[: len(good) // 2], b"GIF89a", good, upscaled("c12_1.jpg", 5), good, good, good]
    results = list(reader.read_each(iter(frames), max_pixels=3200 * 2400 - 1))
    errors = {index: str(result) for index, result in enumerate(results) if isinstance(result, ImageDecodeError)}
    assert sorted(errors) == [1, 2, 4]
    assert errors[1].startswith("not a decodable image")
    assert errors[2].startswith("not a JPEG frame")
    assert "3200x2400" in errors[4]
    for index in (0, 3, 5, 6, 7):
        assert [plate.text for plate in results[index]] == ["RPNL93"]  # type: ignore[union-attr]
