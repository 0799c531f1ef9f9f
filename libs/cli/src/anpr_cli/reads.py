"""`anpr reads import FILE`: a shift upload (CSV or JSON lines, columns in
anpr_ingest.domain.formats.batch_file) checked row by row, then posted to ingest's `POST /v1/reads/batch`.

Reads carry no idempotency key, so a file with a bad row is refused as a whole by default: fixing the
row and importing again then sends every read once. `--skip-invalid` sends the good rows anyway."""

import base64
import csv
import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from anpr_cli.camera import detail_of, ingest_url, send_with_retries
from anpr_cli.paths import load_run_env
from anpr_contracts import ReadSource

reads_app = typer.Typer(no_args_is_help=True, help="Already-recognised reads (scan car, existing ANPR systems)")
console = Console(stderr=True)
MAX_ITEM_RETRIES = 5
# A request stays small whatever the photos: a batch closes at this many bytes of JSON, or --batch-size reads.
MAX_BATCH_BYTES = 8 * 1024 * 1024
# Read fields that hold a JPEG, and the file column each comes from. Between checking and sending they
# hold the file's path, so a shift of photos is never all in memory.
IMAGES = {"overview_jpeg": "image", "plate_jpeg": "plate_image"}


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


@dataclass
class Checked:
    """The rows of a file: the reads ready to send and the refused rows, each by line number."""

    reads: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    with_position: int = 0


@dataclass
class Sent:
    accepted: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    not_sent: list[int] = field(default_factory=list)


class ImportAborted(Exception):
    """Ingest refused a whole batch (token, size, endpoint missing): sending more would fail the same way."""


def rows_of(path: Path, kind: FileFormat) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) or (line number, why the line is not a row); a wrong CSV header raises FormatError."""
    from anpr_ingest import check_columns

    with path.open(newline="", encoding="utf-8-sig") as file:
        if kind is FileFormat.CSV:
            reader = csv.reader(file)
            header = [name.strip() for name in next(reader, [])]
            check_columns(header)
            line = reader.line_num
            for values in reader:
                start, line = line + 1, reader.line_num  # a quoted value may span lines: report where the row starts
                if not any(value.strip() for value in values):
                    continue  # blank lines hold no read
                if len(values) > len(header):
                    yield start, f"{len(values)} values, the header has {len(header)} columns"
                else:
                    yield start, dict(zip(header, values, strict=False))
            return
        for number, text in enumerate(file, start=1):
            if text.strip():  # blank lines hold no read
                yield number, _json_row(text)


def check(path: Path, kind: FileFormat, source: ReadSource, camera: str | None, location: str | None) -> Checked:
    """Every row mapped and validated as ingest will (ReadIn), before anything is sent."""
    from pydantic import ValidationError

    from anpr_ingest import FormatError, ReadIn, RowDefaults, position, read_from_row

    defaults = RowDefaults(source, camera, location)
    checked = Checked()
    for line, row in rows_of(path, kind):
        if isinstance(row, str):
            checked.errors.append((line, row))
            continue
        try:
            read = read_from_row(row, defaults, lambda name: image_path(path.parent, name).read_bytes())
            ReadIn.model_validate(read)
            checked.with_position += position(row) is not None
        except FormatError as exc:
            checked.errors.append((line, str(exc)))
        except ValidationError as exc:
            checked.errors.append(
                (line, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
            )
        else:
            lean: dict[str, Any] = {name: value for name, value in read.items() if name not in IMAGES}
            for name, column in IMAGES.items():
                if name in read:
                    lean[name] = image_path(path.parent, str(row[column]).strip())
            checked.reads.append((line, lean))
    return checked


def image_path(folder: Path, name: str) -> Path:
    """The file a row names, which must be in the batch's folder or below it: a batch from elsewhere must
    not make the import send /etc/... or ~/.ssh/... to ingest (as a photo) by a path, `..` or a symlink."""
    if Path(name).is_absolute():
        raise PermissionError(errno.EACCES, "an absolute path: name images relative to the batch's folder")
    root = folder.resolve()
    target = (root / name).resolve()  # symlinks followed and `..` applied before the check
    if not target.is_relative_to(root):
        raise PermissionError(errno.EACCES, f"it leads outside the batch's folder {root}")
    return target


def batches(
    reads: list[tuple[int, dict[str, Any]]], max_reads: int, max_bytes: int = MAX_BATCH_BYTES
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """Consecutive reads, each batch at most max_reads long and about max_bytes big (images as base64)."""
    batch: list[tuple[int, dict[str, Any]]] = []
    size = 0
    for line, read in reads:
        cost = 400 + sum(value.stat().st_size * 4 // 3 for value in read.values() if isinstance(value, Path))
        if batch and (len(batch) >= max_reads or size + cost > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append((line, read))
        size += cost
    if batch:
        yield batch


def with_images(read: dict[str, Any]) -> dict[str, Any]:
    """The read as ingest takes it: image paths replaced by the base64 of the files."""
    return {
        name: base64.b64encode(value.read_bytes()).decode() if isinstance(value, Path) else value
        for name, value in read.items()
    }


class BatchPoster:
    """Posts reads in batches; a read ingest could not publish now (503) is sent again, others are final."""

    def __init__(self, client: httpx.Client, sleep: Callable[[float], None], notice: Callable[[str], None]) -> None:
        self._client, self._sleep, self._notice = client, sleep, notice

    def post(self, batch: list[tuple[int, dict[str, Any]]], sent: Sent) -> None:
        pending = batch
        for attempt in range(MAX_ITEM_RETRIES + 1):
            body = [with_images(read) for _, read in pending]
            answer = send_with_retries(
                partial(self._client.post, "/v1/reads/batch", json=body),
                sleep=self._sleep,
                notice=self._notice,
            )
            if answer.status_code not in (202, 207):
                raise ImportAborted(f"ingest answered {answer.status_code} to a batch: {detail_of(answer)}")
            retry = []
            for item in answer.json()["results"]:
                line, read = pending[item["index"]]
                if item.get("read_id"):
                    sent.accepted.append((line, item["read_id"]))
                elif item.get("status") == 503 and attempt < MAX_ITEM_RETRIES:
                    retry.append((line, read))
                else:
                    sent.refused.append((line, str(item.get("error"))))
            if not retry:
                return
            self._notice(f"{len(retry)} read(s) not published yet (503): sending them again")
            self._sleep(min(2.0**attempt, 30.0))
            pending = retry


def send_all(
    poster: BatchPoster, reads: list[tuple[int, dict[str, Any]]], size: int, advance: Callable[[int], None]
) -> Sent:
    sent, done = Sent(), 0
    for batch in batches(reads, size):
        try:
            poster.post(batch, sent)
        except (ImportAborted, httpx.TransportError, OSError) as exc:
            console.print(f"stopped: {exc}", style="red", markup=False, soft_wrap=True)
            settled = {line for line, _ in sent.accepted + sent.refused}  # by an earlier try of this batch
            sent.not_sent = [line for line, _ in reads[done:] if line not in settled]
            return sent
        done += len(batch)
        advance(len(batch))
    return sent


@reads_app.command("import")
def import_reads(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or JSON lines")],
    source: Annotated[ReadSource, typer.Option(help="kind of system the reads come from")],
    camera: Annotated[str | None, typer.Option(help="camera of every row (unless a row names one)")] = None,
    location: Annotated[str | None, typer.Option(help="location of every row (unless a row names one)")] = None,
    file_format: Annotated[FileFormat | None, typer.Option("--format", help="default: from the extension")] = None,
    skip_invalid: Annotated[bool, typer.Option(help="send the valid rows even when some are not")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="reads per request")] = 500,
    url: Annotated[str | None, typer.Option(help="ingest base URL (default $ANPR_INGEST_URL)")] = None,
    token: Annotated[str | None, typer.Option(help="bearer token (default $ANPR_ADMIN_TOKEN)")] = None,
) -> None:
    """Import a shift upload; every refused row is listed with its line number. Exit 1 if any row was not accepted."""
    from anpr_ingest import FormatError

    if camera and location:
        raise typer.BadParameter("give --camera or --location, not both")
    load_run_env()
    kind = file_format or (FileFormat.CSV if file.suffix.lower() == ".csv" else FileFormat.JSONL)
    try:
        checked = check(file, kind, source, camera, location)
    except (FormatError, UnicodeDecodeError, csv.Error) as exc:
        console.print(f"{file}: {exc}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    _list("invalid", checked.errors)
    if checked.with_position:
        console.print(
            f"{checked.with_position} row(s) have latitude/longitude: checked, not sent (reads have no position)"
        )
    if checked.errors and not skip_invalid:
        console.print(f"[red]{len(checked.errors)} invalid row(s): nothing sent (fix them, or --skip-invalid)")
        _summary(file, checked, Sent(not_sent=[line for line, _ in checked.reads]))
        raise typer.Exit(1)
    bearer = token or os.environ.get("ANPR_ADMIN_TOKEN", "")
    columns = (TextColumn("posting reads"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        httpx.Client(base_url=ingest_url(url), headers={"Authorization": f"Bearer {bearer}"}, timeout=60) as client,
        Progress(*columns, console=console) as progress,
    ):
        task = progress.add_task("reads", total=len(checked.reads))
        poster = BatchPoster(client, time.sleep, lambda message: console.log(message))
        sent = send_all(poster, checked.reads, batch_size, lambda n: progress.advance(task, n))
    _list("refused by ingest", sent.refused)
    _summary(file, checked, sent)
    raise typer.Exit(1 if checked.errors or sent.refused or sent.not_sent else 0)


def _summary(file: Path, checked: Checked, sent: Sent) -> None:
    table = Table("rows", "count", title=f"anpr reads import {file.name}")
    table.add_row("read from the file", str(len(checked.reads) + len(checked.errors)))
    table.add_row("invalid (not sent)", str(len(checked.errors)))
    table.add_row("accepted by ingest", str(len(sent.accepted)))
    table.add_row("refused by ingest", str(len(sent.refused)))
    table.add_row("not sent", str(len(sent.not_sent)))
    Console().print(table)


def _list(what: str, errors: list[tuple[int, str]]) -> None:
    for line, message in errors:
        console.print(f"line {line}: {what}: {message}", markup=False, soft_wrap=True)


def _json_row(text: str) -> dict[str, Any] | str:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at column {exc.colno}"
    return value if isinstance(value, dict) else f"expected a JSON object, got {type(value).__name__}"


__all__ = [
    "BatchPoster",
    "Checked",
    "FileFormat",
    "ImportAborted",
    "Sent",
    "batches",
    "check",
    "reads_app",
    "rows_of",
    "send_all",
    "with_images",
]
