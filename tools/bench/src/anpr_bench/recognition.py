"""`anpr bench recognition`: the plate reader against the naive pipeline it replaces, in the same run.

Both readers read the frames in alternating blocks of five, so load from other processes on this shared
machine slows both alike and the speed-up stays comparable. Accuracy is exact plates and
characters on the dev set (real frames), on synthetic frames, and on the synthetic European set (plates
of 16 countries painted over the dev frames' plates; `eu_*`, and `per_country`); confidence is reported
per bucket, for the European set per country as well, with its expected calibration error (`*_ece`: the
reads-weighted gap between accuracy and mean confidence over the buckets)."""

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import repo_root

console = Console(stderr=True)
_BLOCK = 5


class _Reader(Protocol):
    def read(self, jpeg: bytes) -> Any: ...
    def read_many(self, jpegs: Sequence[bytes]) -> Any: ...


def bench_recognition(
    data: Annotated[
        Path | None, typer.Option(help="labelled frames (labels.csv); default ../shared/data/nl-plates-dev")
    ] = None,
    synthetic: Annotated[int, typer.Option(help="synthetic frames (hard conditions); 0: skip")] = 120,
    seed: Annotated[int, typer.Option(help="seed of the synthetic frames")] = 2026,
    eu_per_country: Annotated[
        int, typer.Option(help="synthetic European frames per country, over the dev frames; 0: skip")
    ] = 12,
    eu_cache: Annotated[
        Path | None, typer.Option(help="where the European set is built once; default ~/.cache/anpr/datasets")
    ] = None,
    threads: Annotated[int, typer.Option(help="cores of the new reader (frames of a batch read side by side)")] = 2,
    precision: Annotated[str, typer.Option(help="detector precision of the new reader: int8 or fp32")] = "int8",
    process_frames: Annotated[
        int,
        typer.Option(help="dev frames (repeated) read by `anpr read` and the naive pipeline as processes; 0: skip"),
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Exact-plate and character accuracy, frames/s, ms/frame, memory, calibration, time per stage and of a
    whole `anpr read` process: new reader vs naive."""
    from anpr_bench.detection_recall import Recall
    from anpr_bench.eu_set import european_set
    from anpr_bench.evaluation import (
        Score,
        calibration_table,
        expected_calibration_error,
        labelled_directory,
        synthetic_set,
    )
    from anpr_bench.naive_reader import NaivePlateReader
    from anpr_bench.read_process import read_process_figures
    from anpr_recognition import OnnxPlateReader

    directory = (data or repo_root() / ".." / "shared" / "data" / "nl-plates-dev").resolve()
    if not (directory / "labels.csv").is_file():
        raise typer.BadParameter(f"no labels.csv in {directory}")
    if precision not in ("int8", "fp32"):
        raise typer.BadParameter("precision is int8 or fp32")
    console.log(f"preparing models (first run builds the {precision} detector into the model cache)")
    rss_start = _rss_mb()
    naive = NaivePlateReader.from_installed_packages()  # as shipped: ONNX Runtime's default threads
    rss_naive = _rss_mb()
    reader = OnnxPlateReader.from_installed_packages(
        threads=threads, precision="int8" if precision == "int8" else "fp32"
    )
    rss_both = _rss_mb()
    readers: dict[str, _Reader] = {"new": reader, "naive": naive}
    sets = {"dev": labelled_directory(directory)}
    if synthetic:
        sets["synthetic"] = synthetic_set(synthetic, seed)
    if eu_per_country:
        console.log(f"European set: {eu_per_country} frames per country (built once into the cache)")
        sets["eu"] = labelled_directory(european_set(directory, eu_per_country, seed, eu_cache))
    for candidate in readers.values():
        candidate.read(sets["dev"][0].jpeg)  # warm-up: first runs allocate
    reader.stages.reset()

    result: dict[str, Any] = {"threads": threads, "precision": precision}
    scores: dict[str, Score] = {}
    for set_name, frames in sets.items():
        console.log(f"reading {len(frames)} {set_name} frames with both readers")
        timings = {name: 0.0 for name in readers}
        set_scores = {name: Score() for name in readers}
        by_country: dict[str, dict[str, Score]] = {name: {} for name in readers}
        recalls = {name: Recall() for name in readers}
        # Blocks of a few frames per reader, alternating: both see the same load from other processes,
        # and a reader's idle thread pool never runs beside the other on every single frame.
        for start in range(0, len(frames), _BLOCK):
            block = frames[start : start + _BLOCK]
            order = list(readers) if (start // _BLOCK) % 2 == 0 else list(reversed(readers))
            for name in order:
                for frame in block:
                    started = time.perf_counter()
                    readings = readers[name].read(frame.jpeg)
                    timings[name] += time.perf_counter() - started
                    set_scores[name].add(frame.plates, readings, frame.countries)
                    recalls[name].add(frame.boxes, frame.brightness, readings)
                    for plate, country in zip(frame.plates, frame.countries, strict=False):
                        if country is not None:
                            by_country[name].setdefault(country, Score()).add([plate], readings, [country])
        for name, prefix in (("new", set_name), ("naive", f"{set_name}_baseline")):
            score = set_scores[name]
            result |= {
                f"{prefix}_accuracy": round(score.accuracy, 4),
                f"{prefix}_char_accuracy": round(score.character_accuracy, 4),
                f"{prefix}_plates": score.plates,
                f"{prefix}_exact": score.exact,
                f"{prefix}_false_reads": score.false_reads,
                f"{prefix}_fps": round(len(frames) / timings[name], 2),
                f"{prefix}_ms_per_frame": round(1000 * timings[name] / len(frames), 1),
                f"{prefix}_detection_recall": round(recalls[name].recall, 4),
                f"{prefix}_detection_recall_by_size": recalls[name].size_table(),
                f"{prefix}_detection_recall_by_light": recalls[name].light_table(),
            }
        scores[set_name] = set_scores["new"]
        result[f"{set_name}_ece"] = _rounded(expected_calibration_error(set_scores["new"].reads))
        if set_name == "dev":
            # Per dev frame (read one at a time, so the stages add up to dev_ms_per_frame); CPU time too,
            # which the other processes on a shared machine do not inflate as much as wall time.
            result["stage_ms"] = reader.stages.per_frame_ms()
            result["stage_cpu_ms"] = reader.stages.per_frame_ms(cpu=True)
        if set_name == "eu":
            result |= {
                "eu_accuracy_o_as_0": round(set_scores["new"].accuracy_o_as_0, 4),
                "eu_baseline_accuracy_o_as_0": round(set_scores["naive"].accuracy_o_as_0, 4),
                "eu_country_accuracy": round(set_scores["new"].country_accuracy, 4),
                "per_country": _per_country(by_country["new"], by_country["naive"]),
            }
    result["baseline_accuracy"] = result.pop("dev_baseline_accuracy")
    result["baseline_fps"] = result.pop("dev_baseline_fps")
    result["speedup"] = round(result["dev_fps"] / result["baseline_fps"], 2)
    result["dev_fps_batch4"] = round(_batched_fps(reader, [f.jpeg for f in sets["dev"]], 4), 2)
    if process_frames:
        console.log(f"reading {process_frames} frames with `anpr read` and the naive pipeline as processes")
        result |= read_process_figures(sorted(directory.glob("*.jpg")), process_frames)
    result |= {
        "memory_mb_naive": round(rss_naive - rss_start, 1),
        "memory_mb_new": round(rss_both - rss_naive, 1),
        "memory_mb_process": round(rss_both, 1),
    }
    calibration = {name: [_bucket(b) for b in calibration_table(score.reads)] for name, score in scores.items()}
    result["calibration"] = calibration
    _print(result, calibration)
    if as_json:
        print(json.dumps(result))


def _per_country(new: dict[str, Any], naive: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per country: plates, exact accuracy (also with O and 0 as one), how often the country itself was
    named, the naive pipeline's accuracy, and the calibration of the new reader's confidence."""
    from anpr_bench.evaluation import calibration_table, expected_calibration_error

    return {
        country: {
            "plates": score.plates,
            "accuracy": round(score.accuracy, 4),
            "accuracy_o_as_0": round(score.accuracy_o_as_0, 4),
            "char_accuracy": round(score.character_accuracy, 4),
            "country_named": round(score.country_accuracy, 4),
            "baseline_accuracy": round(naive[country].accuracy, 4) if country in naive else None,
            "calibration": [_bucket(b) for b in calibration_table(score.reads) if b.reads],
            "ece": _rounded(expected_calibration_error(score.reads)),
        }
        for country, score in sorted(new.items())
    }


def _bucket(bucket: Any) -> dict[str, Any]:
    return {
        "bucket": f"{bucket.low:.2f}-{bucket.high:.2f}",
        "reads": bucket.reads,
        "accuracy": bucket.accuracy,
        "mean_confidence": _rounded(bucket.mean_confidence),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _batched_fps(reader: Any, jpegs: list[bytes], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(jpegs), batch):
        reader.read_many(jpegs[start : start + batch])
    return len(jpegs) / (time.perf_counter() - started)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _print(result: dict[str, Any], calibration: dict[str, list[dict[str, Any]]]) -> None:
    out = Console()
    show: Callable[[float | None], str] = lambda accuracy: "-" if accuracy is None else f"{accuracy:.3f}"  # noqa: E731
    figures = Table("figure", "value", title="anpr bench recognition")
    for name, value in result.items():
        if name == "per_country" or isinstance(value, dict):
            continue
        if name in ("stage_ms", "stage_cpu_ms"):
            figures.add_row(name, ", ".join(f"{stage} {ms:.1f}" for stage, ms in value.items()))
        elif name != "calibration":
            figures.add_row(name, f"{value:,.4g}" if isinstance(value, float) else str(value))
    out.print(figures)
    countries = Table(
        "country", "plates", "accuracy", "O/0 as one", "country named", "naive", "ece", title="per country"
    )
    for country, figures_of in result.get("per_country", {}).items():
        countries.add_row(
            country,
            str(figures_of["plates"]),
            f"{figures_of['accuracy']:.3f}",
            f"{figures_of['accuracy_o_as_0']:.3f}",
            f"{figures_of['country_named']:.3f}",
            show(figures_of["baseline_accuracy"]),
            show(figures_of["ece"]),
        )
    if result.get("per_country"):
        out.print(countries)
    from anpr_bench.detection_recall import recall_table

    out.print(recall_table(result))
    for name, buckets in calibration.items():
        table = Table("confidence", "reads", "accuracy", "mean confidence", title=f"calibration ({name})")
        for bucket in buckets:
            table.add_row(
                bucket["bucket"], str(bucket["reads"]), show(bucket["accuracy"]), show(bucket["mean_confidence"])
            )
        out.print(table)


__all__ = ["bench_recognition"]
