"""Fits the confidence calibration on synthetic frames and writes the calibration.json the reader loads
(`adapters/calibration.json`).

    python -m anpr_recognition.offline.fit_calibration [--frames 3000] [--seed 11]   (about 10 minutes on 2 cores)

Synthetic, not the dev set: the dev set stays a fair test of the calibration. Hard conditions (small,
blurred, dark, dirty plates) so that the fit sees enough wrong reads to learn where doubt begins."""

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from anpr_recognition.adapters.onnx_reader import OnnxPlateReader, calibration_file
from anpr_recognition.adapters.synthetic.dataset import Sample, synthetic_samples
from anpr_recognition.domain.calibration import Calibration

Box = tuple[int, int, int, int]
_MIN_IOU = 0.3


@dataclass(frozen=True)
class ScoredRead:
    score: float
    correct: bool


def scored_reads(reader: OnnxPlateReader, samples: list[Sample], batch: int = 8) -> list[ScoredRead]:
    """Every read the reader makes, with its raw score and whether it is the plate in that place."""
    reads = []
    for start in range(0, len(samples), batch):
        chunk = samples[start : start + batch]
        for sample, readings in zip(chunk, reader.read_many([s.jpeg for s in chunk]), strict=True):
            for reading in readings:
                on_plate = iou(reading.box, sample.box) >= _MIN_IOU
                reads.append(ScoredRead(reading.confidence, on_plate and reading.text == sample.text))
    return reads


def iou(a: Box, b: Box) -> float:
    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - overlap
    return overlap / union if union > 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    # Foreign plates in their own share, so the confidence of a European format reading is fitted too.
    parser.add_argument("--european-share", type=float, default=0.4)
    parser.add_argument("--out", type=Path, default=calibration_file())
    args = parser.parse_args()
    # The identity as calibration: the reader's "confidence" is then the raw score being fitted.
    reader = OnnxPlateReader.from_installed_packages(calibration=lambda score: score)
    samples = list(
        synthetic_samples(args.frames, random.Random(args.seed), hard=True, european_share=args.european_share)
    )
    reads = scored_reads(reader, samples)
    calibration = Calibration.fit([r.score for r in reads], [r.correct for r in reads], prior_weight=2.0)
    calibration.save(args.out)
    right = sum(r.correct for r in reads)
    print(f"{len(samples)} frames, {len(reads)} reads, {right} right; {len(calibration.scores)} knots -> {args.out}")


if __name__ == "__main__":
    main()
