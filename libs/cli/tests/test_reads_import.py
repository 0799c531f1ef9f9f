"""`anpr reads import`: rows checked with their line numbers, then posted in batches to a fake ingest."""

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from anpr_cli.reads import (
    BatchPoster,
    FileFormat,
    ImportAborted,
    Sent,
    batches,
    check,
    reads_app,
    rows_of,
    send_all,
    with_images,
)
from anpr_contracts import ReadSource

SAMPLES = Path(__file__).resolve().parents[3] / "services" / "ingest" / "tests" / "samples" / "batch"
HEADER = "plate,observed_at,confidence,country\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sample_files_give_rows_with_their_line_numbers() -> None:
    csv_rows = list(rows_of(SAMPLES / "scan_car_shift.csv", FileFormat.CSV))
    jsonl_rows = list(rows_of(SAMPLES / "scan_car_shift.jsonl", FileFormat.JSONL))

    assert [line for line, _ in csv_rows] == [2, 3, 4]
    assert [line for line, _ in jsonl_rows] == [1, 2, 4]  # line 3 is blank


def test_samples_check_without_errors_and_count_positions() -> None:
    checked = check(SAMPLES / "scan_car_shift.csv", FileFormat.CSV, ReadSource.SCAN_CAR, None, "loc-a")

    assert checked.errors == []
    assert [line for line, _ in checked.reads] == [2, 3, 4]
    assert checked.with_position == 2
    image = SAMPLES / "evidence" / "0001.jpg"
    assert checked.reads[0][1]["overview_jpeg"] == image  # the photo stays on disk until its batch is sent
    assert with_images(checked.reads[0][1])["overview_jpeg"] == base64.b64encode(image.read_bytes()).decode()


def test_batches_close_at_a_number_of_reads_or_of_bytes(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(30_000))  # 40 kB as base64
    plain = [(n, {"plate": f"A{n}"}) for n in range(5)]
    with_photo = [(n, {"plate": f"A{n}", "overview_jpeg": photo}) for n in range(5)]

    assert [len(b) for b in batches(plain, max_reads=2)] == [2, 2, 1]
    assert [len(b) for b in batches(with_photo, max_reads=100, max_bytes=100_000)] == [2, 2, 1]
    assert [len(b) for b in batches(with_photo[:1], max_reads=100, max_bytes=10)] == [1]  # one read always goes


def test_every_bad_row_is_reported_at_the_line_it_starts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shift.csv",
        HEADER
        + "72-VGX-6,2026-03-02T08:15:00+01:00,0.97,NL\n"
        + "\n"
        + "ZD-PB-67,2026-03-02T08:16:30,0.91,NL\n"
        + '"B AB\n1234",2026-03-02T08:17:05+01:00,1.5,DE\n'
        + "XX-99-99,2026-03-02T08:18:00+01:00,0.9,NL,extra\n"
        + "XX-99-98,2026-03-02T08:18:00+01:00\n",
    )

    checked = check(path, FileFormat.CSV, ReadSource.SCAN_CAR, None, "loc-a")

    assert [line for line, _ in checked.reads] == [2]
    assert [(line, message.split(":")[0]) for line, message in checked.errors] == [
        (4, "observed_at"),
        (5, "confidence"),
        (7, "5 values, the header has 4 columns"),
        (8, "confidence"),
    ]


def test_bad_json_lines_are_reported_at_their_line(tmp_path: Path) -> None:
    good = {"plate": "72VGX6", "observed_at": "2026-03-02T08:15:00Z", "confidence": 0.9}
    path = write(tmp_path, "shift.jsonl", f"{json.dumps(good)}\n{{broken\n[1, 2]\n{json.dumps({**good, 'x': 1})}\n")

    checked = check(path, FileFormat.JSONL, ReadSource.SCAN_CAR, "scan-car-1", None)

    assert [line for line, _ in checked.reads] == [1]
    assert [line for line, _ in checked.errors] == [2, 3, 4]
    assert "unknown field 'x'" in checked.errors[2][1]


def fake_ingest(answers: list[httpx.Response], bodies: list[Any]) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/reads/batch"
        bodies.append(json.loads(request.content))
        return answers.pop(0)

    return httpx.Client(transport=httpx.MockTransport(handle), base_url="http://ingest")


def answer(status: int, *items: dict[str, Any]) -> httpx.Response:
    refused = sum("error" in item for item in items)
    body = {"accepted": len(items) - refused, "refused": refused, "results": list(items)}
    return httpx.Response(status, json=body)


READS = [(10, {"plate": "A1"}), (11, {"plate": "B2"}), (12, {"plate": "C3"})]


def test_batch_answers_map_back_to_lines_and_unpublished_reads_are_sent_again() -> None:
    bodies: list[Any] = []
    sleeps: list[float] = []
    answers = [
        httpx.Response(503, headers={"Retry-After": "1"}),
        answer(
            207,
            {"index": 0, "read_id": "r-a", "status": 202},
            {"index": 1, "error": "camera cam-9 has no placement", "status": 422},
            {"index": 2, "error": "Kafka did not acknowledge", "status": 503},
        ),
        answer(202, {"index": 0, "read_id": "r-c", "status": 202}),
    ]
    sent = Sent()

    BatchPoster(fake_ingest(answers, bodies), sleeps.append, lambda _: None).post(READS, sent)

    assert sent.accepted == [(10, "r-a"), (12, "r-c")]
    assert sent.refused == [(11, "camera cam-9 has no placement")]
    assert bodies[2] == [{"plate": "C3"}]
    assert sleeps == [1.0, 1.0]


def test_a_refused_batch_stops_the_import_and_lists_what_was_not_sent() -> None:
    answers = [answer(202, {"index": 0, "read_id": "r-a", "status": 202}), httpx.Response(401, json={"detail": "x"})]
    poster = BatchPoster(fake_ingest(answers, []), lambda _: None, lambda _: None)

    sent = send_all(poster, READS, 1, lambda _: None)

    assert (sent.accepted, sent.refused, sent.not_sent) == ([(10, "r-a")], [], [11, 12])


def test_reads_accepted_before_a_batch_was_refused_are_not_listed_as_not_sent() -> None:
    answers = [
        answer(207, {"index": 0, "read_id": "r-a", "status": 202}, {"index": 1, "error": "busy", "status": 503}),
        httpx.Response(401, json={"detail": "token revoked"}),
    ]
    poster = BatchPoster(fake_ingest(answers, []), lambda _: None, lambda _: None)

    sent = send_all(poster, READS, 2, lambda _: None)

    assert (sent.accepted, sent.not_sent) == ([(10, "r-a")], [11, 12])


def test_a_refused_batch_is_an_aborted_import() -> None:
    poster = BatchPoster(fake_ingest([httpx.Response(413, json={"detail": "too big"})], []), print, print)

    with pytest.raises(ImportAborted, match="413 to a batch: too big"):
        poster.post(READS, Sent())


def test_command_sends_nothing_when_a_row_is_invalid(tmp_path: Path) -> None:
    path = write(tmp_path, "shift.csv", HEADER + "72-VGX-6,2026-03-02T08:15:00,0.97,NL\n")
    app = typer.Typer()
    app.add_typer(reads_app, name="reads")

    result = CliRunner().invoke(
        app,
        ["reads", "import", str(path), "--source", "scan_car", "--location", "loc-a", "--url", "http://127.0.0.1:9"],
    )

    assert result.exit_code == 1
    assert "line 2: invalid: observed_at" in result.output
    assert "nothing sent" in result.output


def test_command_refuses_a_header_it_does_not_know(tmp_path: Path) -> None:
    path = write(tmp_path, "shift.csv", "kenteken,observed_at,confidence\n")
    app = typer.Typer()
    app.add_typer(reads_app, name="reads")

    result = CliRunner().invoke(app, ["reads", "import", str(path), "--source", "scan_car", "--location", "loc-a"])

    assert result.exit_code == 1
    assert "missing column plate" in result.output


def test_images_outside_the_batch_folder_are_refused_by_path_dots_or_symlink(tmp_path: Path) -> None:
    jpeg = (SAMPLES / "evidence" / "0001.jpg").read_bytes()
    outside = tmp_path / "secret.jpg"  # a JPEG, so only the place can make it refused
    outside.write_bytes(jpeg)
    batch = tmp_path / "batch"
    (batch / "evidence").mkdir(parents=True)
    (batch / "evidence" / "inside.jpg").write_bytes(jpeg)
    (batch / "evidence" / "link.jpg").symlink_to(outside)
    (batch / "evidence" / "link-in.jpg").symlink_to(batch / "evidence" / "inside.jpg")
    names = ["evidence/inside.jpg", "evidence/link-in.jpg", "../secret.jpg", "evidence/link.jpg", str(outside)]
    rows = "".join(f"72-VGX-6,2026-03-02T08:15:00+01:00,0.97,NL,{name}\n" for name in names)
    path = write(batch, "shift.csv", HEADER.rstrip("\n") + ",image\n" + rows)

    checked = check(path, FileFormat.CSV, ReadSource.SCAN_CAR, None, "loc-a")

    assert [line for line, _ in checked.reads] == [2, 3]
    assert checked.reads[1][1]["overview_jpeg"] == (batch / "evidence" / "inside.jpg").resolve()
    assert dict(checked.errors) == {
        4: f"image: cannot read ../secret.jpg: it leads outside the batch's folder {batch.resolve()}",
        5: f"image: cannot read evidence/link.jpg: it leads outside the batch's folder {batch.resolve()}",
        6: f"image: cannot read {outside}: an absolute path: name images relative to the batch's folder",
    }


def test_command_refuses_a_batch_naming_an_image_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "batch").mkdir()
    (tmp_path / "secret.jpg").write_bytes((SAMPLES / "evidence" / "0001.jpg").read_bytes())
    row = "72-VGX-6,2026-03-02T08:15:00+01:00,0.97,NL,../secret.jpg\n"
    path = write(tmp_path / "batch", "shift.csv", HEADER.rstrip("\n") + ",image\n" + row)
    app = typer.Typer()
    app.add_typer(reads_app, name="reads")

    result = CliRunner().invoke(
        app,
        ["reads", "import", str(path), "--source", "scan_car", "--location", "loc-a", "--url", "http://127.0.0.1:9"],
    )

    assert result.exit_code == 1
    assert "outside the batch's folder" in result.output
    assert "nothing sent" in result.output
