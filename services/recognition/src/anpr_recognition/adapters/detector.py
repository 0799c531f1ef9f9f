"""Plate detection on the rewritten platedet graph (see detector_graph): letterbox to multiples of 32 with
the long side at 640, run the raw heads, decode boxes in numpy (YOLOv8: anchor-free, distribution focal
loss over 16 bins per side), non-maximum suppression.

A frame in which that pass finds nothing is looked at once more, smaller: the detector misses plates
that fill more of the frame than the plates it learnt (close cars, a camera zoomed in: real dev plates
enlarged to 60 % of the frame's width were missed), not small ones (dev frames mosaicked 3 by 3, their
plates at a third of their size: 37 of 38 found, and as many at 1280 as at 640). On the synthetic
European set the second pass found 19 of the 26 plates the first missed (recall 86 % -> 96 %), and on
the dev frames with their plates painted out it added no read.

A frame in which neither finds anything gets a last look with its local contrast normalised (CLAHE):
underexposed plates (demo frames at a tenth of their light) come back. On the hard synthetic frames
recall rose from 62.5 to 65.8 % (dark plates 15 -> 17 of 30) and exact reads from 75 to 77 of 120,
with no false read on them, on the European set or on the painted-out dev frames.
A frame with a plate found first costs nothing more; a frame without any plate costs about 2.4 passes
instead of one (0.4 for the smaller look, 1 for the equalised one)."""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from anpr_recognition.adapters.detector_graph import STRIDES
from anpr_recognition.adapters.images import Pixels

Box = tuple[int, int, int, int]

_LONG_SIDE = 640  # the size the detector was trained at
# The second look: two thirds of the first (on a multiple of 32), so a plate that filled too much of the
# frame fills as much as plates a third smaller did. One step only: each step down adds false boxes
# (on the dev frames with their plates painted out: 1 at 640, 5 at 416, 6 at 320).
RETRY_LONG_SIDE = 416
_MULTIPLE = 32  # the coarsest stride: every input side must be a multiple of it
_LETTERBOX_GREY = 114  # the fill colour YOLOv8 was trained with
_EDGE = 16  # grey border on the short side, at least
_MIN_SCORE = 0.25
_NMS_IOU = 0.45
_BINS = 16
# Boxes no plate fits, not worth a recogniser run: too low to hold readable characters, or taller than
# wide (two-line plates are still 1.2 or more times as wide as high).
_MIN_HEIGHT = 6
_MIN_ASPECT = 0.8


@dataclass(frozen=True)
class Detection:
    box: Box
    score: float


class PlateDetector:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self._outputs = [output.name for output in session.get_outputs()]

    def detect(self, rgb: Pixels) -> list[Detection]:
        found = self.detect_at(rgb, _LONG_SIDE)
        if not found and max(rgb.shape[:2]) > RETRY_LONG_SIDE:
            found = self.detect_at(rgb, RETRY_LONG_SIDE)
        if not found:
            found = self.detect_at(equalised(rgb), _LONG_SIDE)
        return found

    def detect_at(self, rgb: Pixels, long_side: int) -> list[Detection]:
        """One pass with the frame's long side scaled to `long_side` (a multiple of 32)."""
        tensor, scale, (left, top) = letterbox(rgb, long_side)
        heads = self._session.run(self._outputs, {self._input: tensor})
        boxes, scores = decode_heads(heads[:3], heads[3:])
        boxes -= np.array([left, top, left, top], dtype=np.float32)
        return _suppress(boxes / scale, scores, rgb.shape[1], rgb.shape[0])


def equalised(rgb: Pixels) -> Pixels:
    """Local contrast normalised (CLAHE on lightness, colours kept): a dark or hazy frame's plate stands
    out from its holder again. A last look only: as the first pass it found fewer plates than the frame
    as it was (synthetic European set 160 against 166 of 192)."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(lab[..., 0])
    return np.asarray(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), dtype=np.uint8)


def letterbox(rgb: Pixels, long_side: int = _LONG_SIDE) -> tuple[NDArray[np.float32], float, tuple[int, int]]:
    """The frame scaled so its long side is `long_side` (640, or the second look's), centred on a grey
    canvas whose sides are multiples of 32 with at least a thin border on the short side: not the square
    the detector was exported for (a 4:3 frame would be a quarter grey), but plates at the frame's edge
    keep some of the margin they had in training (on synthetic frames recall fell from 56 to 51 of 120
    without it, the time rose 7 % with it)."""
    height, width = rgb.shape[:2]
    scale = long_side / max(height, width)
    resized_width, resized_height = round(width * scale), round(height * scale)
    canvas_width = _round_up(resized_width + (2 * _EDGE if resized_width < long_side else 0))
    canvas_height = _round_up(resized_height + (2 * _EDGE if resized_height < long_side else 0))
    left, top = (canvas_width - resized_width) // 2, (canvas_height - resized_height) // 2
    canvas = np.full((canvas_height, canvas_width, 3), _LETTERBOX_GREY, dtype=np.uint8)
    canvas[top : top + resized_height, left : left + resized_width] = cv2.resize(rgb, (resized_width, resized_height))
    return np.divide(canvas.transpose(2, 0, 1)[np.newaxis], 255, dtype=np.float32), scale, (left, top)


def _round_up(size: int) -> int:
    return -(-size // _MULTIPLE) * _MULTIPLE


def decode_heads(
    box_heads: list[NDArray[np.float32]], class_heads: list[NDArray[np.float32]]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Boxes (x0, y0, x1, y1 in letterbox pixels) and scores of every anchor that clears the threshold."""
    all_boxes, all_scores = [], []
    for stride, box_head, class_head in zip(STRIDES, box_heads, class_heads, strict=True):
        _, _, rows, columns = class_head.shape
        logits = class_head.reshape(-1)
        # Threshold on the logit: the sigmoid of a few anchors only, and the box decode of those alone.
        candidates = np.flatnonzero(logits >= np.log(_MIN_SCORE / (1 - _MIN_SCORE)))
        if candidates.size == 0:
            continue
        distributions = box_head.reshape(4, _BINS, rows * columns)[:, :, candidates]
        weights = np.exp(distributions - distributions.max(axis=1, keepdims=True))
        distances = (weights * np.arange(_BINS, dtype=np.float32)[:, None]).sum(axis=1) / weights.sum(axis=1)
        anchor_x = candidates % columns + 0.5
        anchor_y = candidates // columns + 0.5
        left, top, right, bottom = distances
        boxes = np.stack([anchor_x - left, anchor_y - top, anchor_x + right, anchor_y + bottom], axis=1) * stride
        all_boxes.append(boxes.astype(np.float32))
        all_scores.append((1 / (1 + np.exp(-logits[candidates]))).astype(np.float32))
    if not all_boxes:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.float32)
    return np.concatenate(all_boxes), np.concatenate(all_scores)


def _suppress(boxes: NDArray[np.float32], scores: NDArray[np.float32], width: int, height: int) -> list[Detection]:
    if len(boxes) == 0:
        return []
    sizes = boxes[:, 2:] - boxes[:, :2]
    kept = cv2.dnn.NMSBoxes(
        np.concatenate([boxes[:, :2], sizes], axis=1).tolist(), scores.tolist(), _MIN_SCORE, _NMS_IOU
    )
    detections = []
    for index in np.asarray(kept, dtype=np.int64).reshape(-1):
        x0, y0, x1, y1 = boxes[index].clip(0, [width, height, width, height]).round().astype(int).tolist()
        if y1 - y0 >= _MIN_HEIGHT and x1 - x0 >= _MIN_ASPECT * (y1 - y0):
            detections.append(Detection((x0, y0, x1, y1), float(scores[index])))
    return detections
