"""PP-OCR text recognition (v6 small from rapidocr, v4 in the naive baseline), all plates in one batch."""

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from anpr_recognition.adapters.images import Pixels

_HEIGHT = 48
# PaddleOCR pads narrower lines to 320; 256 read as well here (dev set and synthetic plates) in 20 % less time.
_MIN_WIDTH = 256
_MAX_WIDTH = 960
_WIDTH_STEP = 32


class TextRecogniser:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.characters = ctc_characters(session)

    def probabilities(self, lines_rgb: Sequence[Pixels], min_width: int = _MIN_WIDTH) -> list[NDArray[np.float32]]:
        """Per line: CTC class probabilities, shape (frames, classes). Lines are padded to a multiple of
        32 pixels and batched with the lines of the same padded width: a line reads the same whether it
        comes alone or with others (the model's attention sees the padding)."""
        widths = [min(_MAX_WIDTH, max(1, math.ceil(_HEIGHT * line.shape[1] / line.shape[0]))) for line in lines_rgb]
        padded = [max(min_width, -(-width // _WIDTH_STEP) * _WIDTH_STEP) for width in widths]
        results: list[NDArray[np.float32]] = [np.zeros((0, 0), np.float32)] * len(lines_rgb)
        for canvas_width in sorted(set(padded)):
            members = [index for index, width in enumerate(padded) if width == canvas_width]
            batch = np.zeros((len(members), 3, _HEIGHT, canvas_width), dtype=np.float32)
            for row, index in enumerate(members):
                # PaddleOCR models are trained on OpenCV's BGR channel order.
                line = np.ascontiguousarray(lines_rgb[index][:, :, ::-1])
                bgr = cv2.resize(line, (widths[index], _HEIGHT)).astype(np.float32)
                batch[row, :, :, : widths[index]] = (bgr.transpose(2, 0, 1) / 255 - 0.5) / 0.5
            (probabilities,) = self._session.run(None, {self._input: batch})
            for row, index in enumerate(members):
                results[index] = np.asarray(probabilities[row], dtype=np.float32)
        return results


def ctc_characters(recogniser: Any) -> list[str]:
    # rapidocr ships the dictionary inside the model's metadata, one character a line. CTC adds the
    # blank at index 0, and PaddleOCR appends a space class at the end.
    dictionary = recogniser.get_modelmeta().custom_metadata_map["character"].split("\n")
    characters = ["", *dictionary, " "]
    classes = recogniser.get_outputs()[0].shape[-1]
    if classes != len(characters):
        raise ValueError(f"recogniser has {classes} classes but its dictionary gives {len(characters)}")
    return characters
