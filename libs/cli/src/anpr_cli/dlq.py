"""`anpr dlq list|show|replay`: look at what the consumers dead-lettered and send it again after a fix.

`list` never prints a payload, key or reason (they may hold plates); `show` does, for one dead letter,
and records who looked and why. `replay` re-publishes each dead letter at most once (see
anpr_runtime.dead_letter_replay for how that is guaranteed)."""

import asyncio
import getpass
import json
import re
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import load_run_env
from anpr_cli.settings_load import load_settings
from anpr_contracts import DLQ
from anpr_runtime.db import create_engine
from anpr_runtime.dead_letter_replay import Replayed, prepare, record_payload_view, replay, replayed_ids
from anpr_runtime.dead_letters import DeadLetter, Selection, fetch_dead_letter, parse_id, read_dead_letters
from anpr_runtime.kafka import new_producer
from anpr_runtime.settings import ServiceSettings

T = TypeVar("T")
dlq_app = typer.Typer(no_args_is_help=True, help="Dead letters: list, show (audited) and replay after a fix")
console = Console(width=160)
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
LONG_TEXT = 200  # `show` elides longer strings in a payload (photos as base64) unless --full

TopicOption = Annotated[str | None, typer.Option(help="only dead letters from this topic (as in the list)")]
SinceOption = Annotated[str | None, typer.Option(help="only newer ones: 30m, 6h, 7d or an ISO time")]
ErrorOption = Annotated[str | None, typer.Option("--error-type", help="only this exception type")]
ActorOption = Annotated[str | None, typer.Option(help="who does this, for the record (default: the OS user)")]


def _settings() -> tuple[ServiceSettings, str]:
    load_run_env()
    settings = load_settings(ServiceSettings, "anpr dlq")
    return settings, settings.topic(DLQ.name)


def _run(work: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(work)
    except (LookupError, TimeoutError) as exc:  # no dead-letter topic yet, or the broker does not answer
        console.print(str(exc))
        raise typer.Exit(1) from exc


def parse_since(text: str | None, now: datetime) -> datetime | None:
    if text is None:
        return None
    if match := _DURATION.match(text.strip()):
        return now - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r}: use 30m, 6h, 7d or an ISO time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _selection(topic: str | None, since: str | None, error_type: str | None) -> Selection:
    return Selection(topic=topic, error_type=error_type, since=parse_since(since, datetime.now(UTC)))


@dlq_app.command("list")
def list_dead_letters(
    topic: TopicOption = None,
    since: SinceOption = None,
    error_type: ErrorOption = None,
    limit: Annotated[int, typer.Option(min=1, help="the newest this many")] = 50,
) -> None:
    """A table of dead letters, oldest first: where they came from and the error type. No payloads."""
    settings, dlq_topic = _settings()

    async def go() -> tuple[list[DeadLetter], set[str]]:
        letters = await read_dead_letters(settings, dlq_topic, _selection(topic, since, error_type), limit)
        engine = create_engine(settings.database_url)
        try:
            await prepare(engine)
            return letters, await replayed_ids(engine, dlq_topic)
        finally:
            await engine.dispose()

    letters, replayed = _run(go())
    table = Table("id", "dead-lettered at", "topic", "origin", "group", "error type", "bytes", "replayed")
    for letter in letters:
        row = letter.summary()
        table.add_row(*row.values(), "yes" if letter.id in replayed else "")
    console.print(table)
    console.print(f"{len(letters)} dead letter(s) in {dlq_topic}")


@dlq_app.command("show")
def show(
    letter_id: Annotated[str, typer.Argument(metavar="ID", help="partition:offset, as in the list")],
    purpose: Annotated[str, typer.Option(help="why you look, for the audit")] = "failure analysis",
    actor: ActorOption = None,
    full: Annotated[bool, typer.Option(help="do not elide long strings (photos)")] = False,
) -> None:
    """One dead letter with its reason, key and payload. Every look is recorded (schema dlq)."""
    settings, dlq_topic = _settings()
    try:
        parse_id(letter_id)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc

    async def go() -> DeadLetter | None:
        letter = await fetch_dead_letter(settings, dlq_topic, letter_id)
        if letter is None:
            return None
        engine = create_engine(settings.database_url)
        try:
            await prepare(engine)
            # Recorded before it is shown: no audit, no look.
            await record_payload_view(engine, dlq_topic, letter_id, actor or getpass.getuser(), purpose)
        finally:
            await engine.dispose()
        return letter

    letter = _run(go())
    if letter is None:
        console.print(f"no dead letter {letter_id} in {dlq_topic}")
        raise typer.Exit(1)
    console.print_json(data=_details(letter, full))


@dlq_app.command("replay")
def replay_dead_letters(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="partition:offset, as in the list")] = None,
    topic: TopicOption = None,
    since: SinceOption = None,
    error_type: ErrorOption = None,
    every: Annotated[bool, typer.Option("--all", help="replay every dead letter the filters match")] = False,
    actor: ActorOption = None,
) -> None:
    """Send dead letters back to the topic they came from, once each; already replayed ones are skipped."""
    filtered = any(value is not None for value in (topic, since, error_type))
    if not ids and not filtered and not every:
        raise typer.BadParameter("name dead letters by id, or select them with --topic/--since/--error-type or --all")
    for letter_id in ids or []:
        try:
            parse_id(letter_id)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
    settings, dlq_topic = _settings()
    selection = _selection(topic, since, error_type)
    results = _run(_replay(settings, dlq_topic, ids or [], selection, actor or getpass.getuser()))
    for result in results:
        console.print(f"{result.letter.id}: {result.outcome} {result.detail}")
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in ("replayed", "already replayed")}
    console.print(f"{counts['replayed']} replayed, {counts['already replayed']} already replayed before")
    if any(result.outcome == "refused" for result in results):
        raise typer.Exit(1)


async def _replay(
    settings: ServiceSettings, dlq_topic: str, ids: list[str], selection: Selection, actor: str
) -> list[Replayed]:
    if ids:
        fetched = [await fetch_dead_letter(settings, dlq_topic, letter_id) for letter_id in ids]
        missing = [letter_id for letter_id, letter in zip(ids, fetched, strict=True) if letter is None]
        if missing:
            raise typer.BadParameter(f"no dead letter {', '.join(missing)} in {dlq_topic}")
        letters = [letter for letter in fetched if letter is not None and selection.matches(letter)]
    else:
        letters = await read_dead_letters(settings, dlq_topic, selection)
    engine = create_engine(settings.database_url)
    producer = new_producer(settings)
    await producer.start()
    try:
        await prepare(engine)
        return [await replay(letter, dlq_topic, engine, producer, actor) for letter in letters]
    finally:
        await producer.stop()
        await engine.dispose()


def _details(letter: DeadLetter, full: bool) -> dict[str, Any]:
    return {
        **letter.summary(),
        "reason": letter.reason,
        "key": _text(letter.key),
        "payload": _payload(letter.value, full),
    }


def _payload(value: bytes | None, full: bool) -> Any:
    if value is None:
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        return _text(value)
    return decoded if full else _elide(decoded)


def _elide(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return f"<{len(value)} characters elided; --full shows them>"
    if isinstance(value, dict):
        return {name: _elide(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_elide(item) for item in value]
    return value


def _text(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode()
    except UnicodeDecodeError:
        return f"<{len(value)} bytes, not UTF-8: {value[:32].hex()}...>"
