"""`anpr dlq list|show|replay`: look at what the consumers dead-lettered and send it again after a fix.

Dead letters are sealed at rest (anpr_runtime.dead_letter_seal) and this command holds no key: it asks
notices (`/v1/dead-letters`), which decrypts for an admin token and writes the audit row with the identity
the token proves and the purpose given. `list` never prints a payload, key or full reason; `show` does,
for one dead letter; `replay` re-publishes each dead letter at most once (anpr_runtime.dead_letter_replay).
"""

import os
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import load_run_env
from anpr_cli.service_api import service_url
from anpr_runtime.dead_letters import parse_id
from anpr_runtime.purpose import HEADER as PURPOSE_HEADER

dlq_app = typer.Typer(no_args_is_help=True, help="Dead letters: list, show (audited) and replay after a fix")
console = Console(width=160)
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
LONG_TEXT = 200  # `show` elides longer strings in a payload (photos as base64) unless --full
API = "/v1/dead-letters"
COLUMNS = ("id", "dead_lettered_at", "topic", "origin", "group", "error_type", "bytes")

TopicOption = Annotated[str | None, typer.Option(help="only dead letters from this topic (as in the list)")]
SinceOption = Annotated[str | None, typer.Option(help="only newer ones: 30m, 6h, 7d or an ISO time")]
ErrorOption = Annotated[str | None, typer.Option("--error-type", help="only this exception type")]
TokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="ANPR_TOKEN",
        show_envvar=False,
        help="your own access token, so the audit names you (default: ANPR_ADMIN_TOKEN of .run/env)",
    ),
]


def _client(token: str | None) -> httpx.Client:
    load_run_env()
    bearer = token or os.environ.get("ANPR_ADMIN_TOKEN", "")
    # Reading a dead-letter topic to its end may take the service up to a minute.
    return httpx.Client(headers={"Authorization": f"Bearer {bearer}"}, timeout=120)


def _call(request: httpx.Request, client: httpx.Client) -> Any:
    try:
        response = client.send(request)
    except httpx.HTTPError as exc:
        console.print(f"notices does not answer at {request.url}: {exc}")
        raise typer.Exit(1) from exc
    if response.status_code != 200:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        console.print(f"notices answered {response.status_code}: {detail}")
        raise typer.Exit(1)
    return response.json()


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


def _filters(topic: str | None, since: str | None, error_type: str | None) -> dict[str, str]:
    moment = parse_since(since, datetime.now(UTC))
    given = {"topic": topic, "since": moment.isoformat() if moment else None, "error_type": error_type}
    return {name: value for name, value in given.items() if value is not None}


def _checked_id(letter_id: str) -> str:
    try:
        parse_id(letter_id)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return letter_id.strip()


@dlq_app.command("list")
def list_dead_letters(
    topic: TopicOption = None,
    since: SinceOption = None,
    error_type: ErrorOption = None,
    limit: Annotated[int, typer.Option(min=1, help="the newest this many")] = 50,
    token: TokenOption = None,
) -> None:
    """A table of dead letters, oldest first: where they came from and the error type. No payloads."""
    params: dict[str, Any] = {**_filters(topic, since, error_type), "limit": limit}
    with _client(token) as client:
        found = _call(client.build_request("GET", service_url("notices", API), params=params), client)
    table = Table("id", "dead-lettered at", "topic", "origin", "group", "error type", "bytes", "replayed")
    for item in found["items"]:
        table.add_row(*(str(item[name]) for name in COLUMNS), "yes" if item["replayed"] else "")
    console.print(table)
    console.print(f"{len(found['items'])} dead letter(s) in {found['dlq_topic']}")


@dlq_app.command("show")
def show(
    letter_id: Annotated[str, typer.Argument(metavar="ID", help="partition:offset, as in the list")],
    purpose: Annotated[
        str, typer.Option(help="why you look, for the audit: a purpose of your role, ': ' and a reference")
    ] = "administration: failure analysis",
    full: Annotated[bool, typer.Option(help="do not elide long strings (photos)")] = False,
    token: TokenOption = None,
) -> None:
    """One dead letter with its reason, key and payload, decrypted by notices, which records the look."""
    url = service_url("notices", f"{API}/{_checked_id(letter_id)}/open")
    with _client(token) as client:
        letter = _call(client.build_request("POST", url, headers={PURPOSE_HEADER: purpose}), client)
    if not full:
        letter["payload"] = _elide(letter["payload"])
    console.print_json(data=letter)


@dlq_app.command("replay")
def replay_dead_letters(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="partition:offset, as in the list")] = None,
    topic: TopicOption = None,
    since: SinceOption = None,
    error_type: ErrorOption = None,
    every: Annotated[bool, typer.Option("--all", help="replay every dead letter the filters match")] = False,
    purpose: Annotated[str, typer.Option(help="why, for the audit")] = "administration: replay after a fix",
    token: TokenOption = None,
) -> None:
    """Send dead letters back to the topic they came from, once each; already replayed ones are skipped."""
    filters = _filters(topic, since, error_type)
    if not ids and not filters and not every:
        raise typer.BadParameter("name dead letters by id, or select them with --topic/--since/--error-type or --all")
    body = {"ids": [_checked_id(letter_id) for letter_id in ids or []], **filters, "all": every}
    url = service_url("notices", f"{API}/replay")
    with _client(token) as client:
        found = _call(client.build_request("POST", url, json=body, headers={PURPOSE_HEADER: purpose}), client)
    results = found["results"]
    for result in results:
        console.print(f"{result['id']}: {result['outcome']} {result['detail']}")
    counts = {outcome: sum(r["outcome"] == outcome for r in results) for outcome in ("replayed", "already replayed")}
    console.print(f"{counts['replayed']} replayed, {counts['already replayed']} already replayed before")
    if any(result["outcome"] == "refused" for result in results):
        raise typer.Exit(1)


def _elide(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return f"<{len(value)} characters elided; --full shows them>"
    if isinstance(value, dict):
        return {name: _elide(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_elide(item) for item in value]
    return value
