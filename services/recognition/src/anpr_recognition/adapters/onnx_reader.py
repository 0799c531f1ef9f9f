"""The plate reader: platedet detector (rewritten to fp32/int8 raw heads, see detector_graph), plate crops
grown and cleaned (plate_crops), PP-OCRv6 small recognition (the model file of rapidocr 3.10) batched over
every plate of the frames given, and the Dutch grammar and the European formats inside CTC decoding
(domain.reading), with a calibrated confidence."""

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Self

import onnxruntime as ort

from anpr_recognition.adapters.detector import Box, Detection, PlateDetector
from anpr_recognition.adapters.images import Frame, ImageDecodeError, Pixels, decode_frame, decode_rgb, ensure_jpeg
from anpr_recognition.adapters.model_files import RECOGNISER_PACKAGE, package_file
from anpr_recognition.adapters.plate_crops import PlateCrop, plate_crop
from anpr_recognition.adapters.prepared_models import Precision, prepared_detector
from anpr_recognition.adapters.recogniser import TextRecogniser
from anpr_recognition.adapters.stage_clock import StageClock
from anpr_recognition.domain.calibration import Calibration, CountryCalibration, ScoreCalibration, raw_score
from anpr_recognition.domain.countries import country_of_band
from anpr_recognition.domain.ctc import Lattice, folding_matrix, greedy_decode
from anpr_recognition.domain.plates import PlateReading, one_reading_per_plate
from anpr_recognition.domain.reading import TextReading, read_lattice, read_with_band, wants_band_sign

__all__ = ["ImageDecodeError", "OnnxPlateReader"]

MODEL_VERSION = "platedet-0.0.2+raw-heads-v1/ppocrv6-rec-small/eu-formats-ctc-v2"  # precision: see the file
_DETECTOR_LONG_SIDE = 640  # the detector letterboxes every frame to this: decoding more is wasted
_OCR_HEIGHT = 48  # the recogniser's line height: a plate lower than this is cut from the full resolution


class OnnxPlateReader:
    def __init__(
        self,
        detector_path: Path,
        recogniser_path: Path,
        threads: int | None = None,
        calibration: ScoreCalibration | None = None,
    ) -> None:
        # Frames are read side by side, one per core, each session run on one thread: two frames at once on 2
        # cores take 10-15 % less CPU per frame than one frame at a time on an intra-op pool of 2, which
        # waits at every layer for its slower half.
        self._workers = threads or available_cores()
        self._detector = PlateDetector(_session(detector_path, 1))
        self._recogniser = TextRecogniser(_session(recogniser_path, 1))
        self._folding = folding_matrix(self._recogniser.characters)
        self._calibration = calibration or default_calibration()
        self._models = {"detector": detector_path, "recogniser": recogniser_path}
        self._pool: ThreadPoolExecutor | None = None
        self.stages = StageClock()

    @classmethod
    def from_installed_packages(
        cls,
        threads: int | None = None,
        precision: Precision = "int8",
        cache_dir: Path | None = None,
        calibration: ScoreCalibration | None = None,
    ) -> Self:
        """`calibration` maps the raw score (and the reading's country) to the confidence; the committed
        isotonic fits by default."""
        return cls(prepared_detector(precision, cache_dir), package_file(*RECOGNISER_PACKAGE), threads, calibration)

    def describe(self) -> dict[str, Any]:
        """Model files and sizes in use, for operators (GET /v1/model) and reports."""
        return {
            "version": MODEL_VERSION,
            "models": {name: {"file": path.name, "bytes": path.stat().st_size} for name, path in self._models.items()},
            "onnxruntime_threads": 1,
            "frames_at_once": self._workers,
            "grammar": "Dutch sidecodes 1-14, then the formats of 15 European countries, inside CTC decoding",
        }

    def read(self, jpeg: bytes) -> list[PlateReading]:
        return self.read_many([jpeg])[0]

    def read_many(self, jpegs: Sequence[bytes]) -> list[list[PlateReading]]:
        """Plates per frame, left to right. Raises ImageDecodeError for the first frame that is no image."""
        if len(jpegs) < 2 or self._workers < 2:
            return [self._read_frame(jpeg) for jpeg in jpegs]
        return list(self._executor().map(self._read_frame, jpegs))

    def _executor(self) -> ThreadPoolExecutor:
        # ONNX Runtime, libjpeg and OpenCV release the GIL: the frames' heavy parts run on all cores.
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="plate-reader")
        return self._pool

    def _read_checked(self, jpeg: bytes, max_pixels: int | None) -> list[PlateReading] | ImageDecodeError:
        try:
            ensure_jpeg(jpeg)
            return self._read_frame(jpeg, max_pixels)
        except ImageDecodeError as error:
            return error

    def read_each(
        self, jpegs: Iterable[bytes], max_pixels: int | None = None
    ) -> Iterator[list[PlateReading] | ImageDecodeError]:
        """Frames from outside (`anpr read`), their plates in order as they are read: a frame that is no JPEG,
        declares more than `max_pixels` (refused before decoding) or cannot be decoded gets its error in its
        place, and the other frames are read all the same. Frames are taken from `jpegs` only a few ahead of
        the one given back: no core waits for a batch's slowest frame, and a long run holds few frames."""
        read = partial(self._read_checked, max_pixels=max_pixels)
        if self._workers < 2:
            yield from map(read, jpegs)
            return
        pool, pending = self._executor(), deque[Future[list[PlateReading] | ImageDecodeError]]()
        for jpeg in jpegs:
            pending.append(pool.submit(read, jpeg))
            if len(pending) > 2 * self._workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def read_boxes(self, jpeg: bytes, boxes: Sequence[Box]) -> list[PlateReading | None]:
        """The plates in boxes someone else found (a reviewer, a test's ground truth), in their order."""
        rgb = decode_rgb(jpeg)
        found = [(index, Detection(box, 1.0)) for index, box in enumerate(boxes)]
        readings = self._recognise([rgb] * len(boxes), found)
        return [plates[0] if plates else None for plates in readings]

    def _read_frame(self, jpeg: bytes, max_pixels: int | None = None) -> list[PlateReading]:
        with self.stages.stage("decode"):
            frame = decode_frame(jpeg, _DETECTOR_LONG_SIDE, max_pixels)
        with self.stages.stage("detect"):
            detections = self._detector.detect(frame.pixels)
        self.stages.count_frames(1)
        if frame.scale == 1 or not detections:
            plates = self._recognise([frame.pixels], [(0, detection) for detection in detections])[0]
        else:
            plates = self._recognise_scaled(frame, detections)
        return one_reading_per_plate(plates)

    def _recognise_scaled(self, frame: Frame, detections: list[Detection]) -> list[PlateReading]:
        """Plates of a frame decoded at reduced size, read from those pixels where a plate is still as high
        as the recogniser's line, otherwise cut from the full resolution (decoded for that alone); boxes in
        full-resolution pixels either way."""
        low = [d for d in detections if d.box[3] - d.box[1] < _OCR_HEIGHT]
        high = [d for d in detections if d.box[3] - d.box[1] >= _OCR_HEIGHT]
        plates = [
            replace(plate, box=_scaled(plate.box, frame.scale, frame.full_size))
            for plate in self._recognise([frame.pixels], [(0, detection) for detection in high])[0]
        ]
        if low:
            with self.stages.stage("decode"):
                full = frame.full()
            found = [(0, replace(d, box=_scaled(d.box, frame.scale, frame.full_size))) for d in low]
            plates += self._recognise([full], found)[0]
        return sorted(plates, key=lambda plate: plate.box[0])

    def _recognise(self, frames: list[Pixels], found: list[tuple[int, Detection]]) -> list[list[PlateReading]]:
        with self.stages.stage("crop"):
            crops = [plate_crop(frames[index], detection.box) for index, detection in found]
        with self.stages.stage("recognise"):
            probabilities = self._recogniser.probabilities([crop.line for crop in crops])
        with self.stages.stage("decode_ctc"):
            lattices = [Lattice.from_probabilities(probs, self._folding) for probs in probabilities]
            texts = [
                read_lattice(lattice, crop.yellow, band_removed=crop.band is not None)
                for crop, lattice in zip(crops, lattices, strict=True)
            ]
        texts = self._name_by_band(crops, lattices, texts)
        readings: list[list[PlateReading]] = [[] for _ in frames]
        for (index, detection), crop, text in zip(found, crops, texts, strict=True):
            if text is not None:
                # Checked by the Dutch grammar or a European format (a band's sign alone checks nothing).
                score = raw_score(
                    text.min_character_probability,
                    detection.score,
                    text.grammar_cost,
                    text.sidecode is not None,
                    crop.yellow,
                    in_format=text.plate_format is not None,
                )
                # The plate's country chooses the fit: the same evidence is worth less where plates are read worse.
                confidence = self._calibration(score, text.country)
                readings[index].append(
                    PlateReading(text.text, text.formatted, text.country, confidence, crop.box, text.plate_format)
                )
        return [sorted(plates, key=lambda plate: plate.box[0]) for plates in readings]

    def _name_by_band(
        self, crops: list[PlateCrop], lattices: list[Lattice], texts: list[TextReading | None]
    ) -> list[TextReading | None]:
        """Readings the grammar did not claim, read again within the formats of the country their EU
        band's sign names, and Dutch readings a Luxembourg plate may carry too (LU "AB 1234" is sidecode
        1). Signs are read only for those: other Dutch readings need no sign, and a sign costs a
        recogniser run of its own."""
        wanted: list[int] = []
        bands: list[Pixels] = []
        for index, (text, crop) in enumerate(zip(texts, crops, strict=True)):
            if text is not None and wants_band_sign(text) and crop.band is not None:
                wanted.append(index)
                bands.append(crop.band)
        with self.stages.stage("recognise"):
            signs = self._recogniser.probabilities(bands)
        named = list(texts)
        with self.stages.stage("decode_ctc"):
            for index, probabilities in zip(wanted, signs, strict=True):
                sign = greedy_decode(Lattice.from_probabilities(probabilities, self._folding))
                text = texts[index]
                if text is not None:
                    country = country_of_band(sign.text, sign.character_probabilities)
                    named[index] = read_with_band(lattices[index], text, crops[index].yellow, country)
        return named


def default_calibration() -> CountryCalibration:
    """Fitted on synthetic frames by `python -m anpr_recognition.offline.fit_calibration` (committed
    beside this module): pooled, and per foreign country."""
    path = calibration_file()
    return CountryCalibration.load(path) if path.is_file() else CountryCalibration(Calibration((), ()))


def calibration_file() -> Path:
    return Path(str(resources.files("anpr_recognition.adapters").joinpath("calibration.json")))


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _scaled(box: Box, scale: float, size: tuple[int, int]) -> Box:
    width, height = size
    x0, y0, x1, y1 = (round(value * scale) for value in box)
    return min(x0, width), min(y0, height), min(x1, width), min(y1, height)


def _session(model_path: Path, threads: int | None) -> Any:
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    # Detector and recogniser each have a thread pool; spinning pools wait for work by burning the cores
    # the other session needs: 2 spinning threads read 3.2 frames/s, 2 sleeping threads 8.0 (1 thread: 7.0).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])
