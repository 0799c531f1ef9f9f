"""The whole-process figure of `anpr bench recognition`: `anpr read` and the naive pipeline each run as a
process over the same frames, timed in wall and CPU time; a run that did not read every frame is an error,
not a figure."""

from pathlib import Path

import pytest

from anpr_bench.read_process import read_process_figures

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"


def test_both_processes_read_every_frame_and_are_timed() -> None:
    figures = read_process_figures([FRAMES / "c12_1.jpg", FRAMES / "c3_1.jpg"], 3)
    assert figures["read_process_frames"] == 3
    for key in ("read_process", "baseline_read_process"):
        assert figures[f"{key}_ms_per_frame"] > 0
        assert figures[f"{key}_cpu_ms_per_frame"] > 0
    # The naive pipeline's fp16 detector alone costs more CPU per frame than the whole new reader.
    assert figures["read_process_cpu_speedup"] > 1
    assert len(figures["read_process_load_average"]) == 2


def test_a_process_that_fails_a_frame_gives_no_figure(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not a frame")
    with pytest.raises(RuntimeError, match=r"exit 1"):
        read_process_figures([broken], 1)
