"""The naive pipeline, as first shipped, kept as the benchmark's baseline: the platedet YOLOv8-seg detector
as shipped (fp16, square 640x640 letterbox), PP-OCRv4 on padded crops, greedy CTC, no grammar inside
decoding. `anpr bench recognition` measures the new reader against it in the same run, in process and as
a process of its own reading files (`python -m anpr_bench.naive_reader FILE...`, lines like `anpr read`)."""

import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import cv2
import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from anpr_recognition import (
    Pixels,
    PlateReading,
    ctc_characters,
    decode_rgb,
    format_dutch,
    guess_country,
    normalise,
    package_file,
)

_LETTERBOX_GREY = 114  # the fill colour YOLOv8 was trained with
_MIN_DETECTOR_SCORE = 0.25
_NMS_IOU = 0.45
# The detector's boxes are tight and PP-OCR drops edge characters on tight crops. 10% each way read best on
# the dev set (39/42 plates; 5-8% and 0-30% vertically were within one or two plates, 30% was clearly worse).
_CROP_MARGIN_X = 0.1
_CROP_MARGIN_Y = 0.1
_REC_HEIGHT = 48
_REC_MIN_WIDTH = 320  # PaddleOCR pads narrower lines to this width; the model is used to the padding
_MIN_PLATE_CHARACTERS = 4


@dataclass(frozen=True)
class _Detection:
    box: tuple[int, int, int, int]
    score: float


class NaivePlateReader:
    def __init__(self, detector_path: Path, recogniser_path: Path, threads: int | None = None) -> None:
        self._detector = _session(detector_path, threads)
        self._recogniser = _session(recogniser_path, threads)
        detector_input = self._detector.get_inputs()[0]
        self._detector_input_name: str = detector_input.name
        self._detector_boxes_output: str = self._detector.get_outputs()[0].name
        self._detector_size: int = detector_input.shape[-1]
        self._detector_dtype = np.float16 if detector_input.type == "tensor(float16)" else np.float32
        self._characters = ctc_characters(self._recogniser)
        self._models = {"detector": detector_path, "recogniser": recogniser_path}
        self._threads = threads

    @classmethod
    def from_installed_packages(cls, threads: int | None = None) -> Self:
        return cls(
            detector_path=package_file("platedet", "artifacts/platedet.onnx"),
            recogniser_path=package_file("rapidocr_onnxruntime", "models/ch_PP-OCRv4_rec_infer.onnx"),
            threads=threads,
        )

    def describe(self) -> dict[str, Any]:
        """Model files and sizes in use, for operators (GET /v1/model) and reports."""
        return {
            "models": {name: {"file": path.name, "bytes": path.stat().st_size} for name, path in self._models.items()},
            "onnxruntime_threads": self._threads or "default",
            "grammar": "Dutch sidecodes 1-14 (formatting and country guess)",
        }

    def read(self, jpeg: bytes) -> list[PlateReading]:
        rgb = decode_rgb(jpeg)
        readings = [self._read_plate(rgb, detection) for detection in self._detect(rgb)]
        plates = [reading for reading in readings if reading is not None]
        return sorted(plates, key=lambda plate: plate.box[0])

    def read_many(self, jpegs: Sequence[bytes]) -> list[list[PlateReading]]:
        return [self.read(jpeg) for jpeg in jpegs]

    def _detect(self, rgb: Pixels) -> list[_Detection]:
        tensor, scale, (pad_x, pad_y) = _letterbox(rgb, self._detector_size)
        # output0 is (1, 4 + classes + 32 mask coefficients, anchors): cx, cy, w, h in letterbox pixels,
        # then one sigmoid score per class (platedet has a single class, "plate"). The second output holds
        # the mask prototypes, which a box reader does not need.
        output = self._detector.run(
            [self._detector_boxes_output], {self._detector_input_name: tensor.astype(self._detector_dtype)}
        )
        rows = np.asarray(output[0][0], dtype=np.float32).T
        rows = rows[rows[:, 4] >= _MIN_DETECTOR_SCORE]
        centre_x, centre_y, width, height, scores = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4]
        top_left = np.stack([centre_x - width / 2, centre_y - height / 2, width, height], axis=1)
        kept = cv2.dnn.NMSBoxes(top_left.tolist(), scores.tolist(), _MIN_DETECTOR_SCORE, _NMS_IOU)
        image_height, image_width = rgb.shape[:2]
        detections = []
        for index in np.asarray(kept, dtype=np.int64).reshape(-1):
            x, y, w, h = top_left[index]
            x0, x1 = ((np.array([x, x + w]) - pad_x) / scale).clip(0, image_width).round().astype(int)
            y0, y1 = ((np.array([y, y + h]) - pad_y) / scale).clip(0, image_height).round().astype(int)
            if x1 > x0 and y1 > y0:
                detections.append(_Detection((int(x0), int(y0), int(x1), int(y1)), float(scores[index])))
        return detections

    def _read_plate(self, rgb: Pixels, detection: _Detection) -> PlateReading | None:
        raw, character_confidence = self._recognise(_padded_crop(rgb, detection.box))
        text = normalise(raw)
        if len(text) < _MIN_PLATE_CHARACTERS:
            return None
        return PlateReading(
            text=text,
            formatted=format_dutch(text) or text,
            country=guess_country(text),
            confidence=detection.score * character_confidence,
            box=detection.box,
        )

    def _recognise(self, crop_rgb: Pixels) -> tuple[str, float]:
        # PaddleOCR models are trained on OpenCV's BGR channel order.
        bgr = np.ascontiguousarray(crop_rgb[:, :, ::-1])
        height, width = bgr.shape[:2]
        resized_width = max(1, math.ceil(_REC_HEIGHT * width / height))
        resized = cv2.resize(bgr, (resized_width, _REC_HEIGHT)).astype(np.float32)
        tensor = np.zeros((1, 3, _REC_HEIGHT, max(resized_width, _REC_MIN_WIDTH)), dtype=np.float32)
        tensor[0, :, :, :resized_width] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
        (probabilities,) = self._recogniser.run(None, {self._recogniser.get_inputs()[0].name: tensor})
        return _ctc_greedy_decode(np.asarray(probabilities[0], dtype=np.float32), self._characters)


def _session(model_path: Path, threads: int | None) -> Any:
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])


def _ctc_greedy_decode(probabilities: NDArray[np.float32], characters: list[str]) -> tuple[str, float]:
    best = probabilities.argmax(axis=1)
    new_symbol = np.ones(len(best), dtype=bool)
    new_symbol[1:] = best[1:] != best[:-1]
    kept = new_symbol & (best != 0)
    text = "".join(characters[index] for index in best[kept])
    confidence = float(probabilities.max(axis=1)[kept].mean()) if kept.any() else 0.0
    return text, confidence


def _letterbox(rgb: Pixels, size: int) -> tuple[NDArray[np.float32], float, tuple[float, float]]:
    height, width = rgb.shape[:2]
    scale = min(size / height, size / width)
    resized_width, resized_height = round(width * scale), round(height * scale)
    pad_x, pad_y = (size - resized_width) / 2, (size - resized_height) / 2
    canvas = np.full((size, size, 3), _LETTERBOX_GREY, dtype=np.uint8)
    top, left = int(pad_y), int(pad_x)
    canvas[top : top + resized_height, left : left + resized_width] = cv2.resize(
        rgb, (resized_width, resized_height), interpolation=cv2.INTER_LINEAR
    )
    tensor = np.divide(canvas.transpose(2, 0, 1)[np.newaxis], 255, dtype=np.float32)
    return tensor, scale, (float(left), float(top))


def _padded_crop(rgb: Pixels, box: tuple[int, int, int, int]) -> Pixels:
    x0, y0, x1, y1 = box
    margin_x, margin_y = round((x1 - x0) * _CROP_MARGIN_X), round((y1 - y0) * _CROP_MARGIN_Y)
    height, width = rgb.shape[:2]
    return rgb[max(0, y0 - margin_y) : min(height, y1 + margin_y), max(0, x0 - margin_x) : min(width, x1 + margin_x)]


def main(paths: Sequence[str]) -> int:
    reader = NaivePlateReader.from_installed_packages()
    for path in paths:
        started = time.perf_counter()
        with open(path, "rb") as file:
            plates = reader.read(file.read())
        texts = [{"text": plate.text, "box": list(plate.box)} for plate in plates]
        print(json.dumps({"image": path, "plates": texts, "ms": round(1000 * (time.perf_counter() - started), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
