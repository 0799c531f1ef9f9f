"""`/v1/dead-letters`: the dead letters served by a service that holds ANPR_DEAD_LETTER_KEY (notices mounts
it), for admins only. The list shows no payload; opening one (`anpr dlq show`) and replaying (`anpr dlq
replay`) decrypt here, so the operator's command never holds the key, and the audit row names the
principal the token proved, not a name the caller typed. Opening needs an X-Purpose (anpr_runtime.purpose)
and is recorded in `dlq.payload_views` before the answer leaves; replays are recorded in `dlq.replays`.
"""

import json
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from anpr_contracts import DLQ
from anpr_runtime.auth import Principal, require_roles
from anpr_runtime.dead_letter_replay import Replayed, prepare, record_payload_view, replay, replayed_ids
from anpr_runtime.dead_letter_seal import DeadLetterSeal, UnreadableDeadLetter, open_letter
from anpr_runtime.dead_letters import DeadLetter, Selection, fetch_dead_letter, parse_id, read_dead_letters
from anpr_runtime.purpose import DEFAULT_PURPOSES, PurposePolicy, purpose_for
from anpr_runtime.service import Resources

T = TypeVar("T")
_admin = require_roles()
Admin = Annotated[Principal, Depends(_admin)]


def _policy(request: Request) -> PurposePolicy:
    policy: PurposePolicy = getattr(_resources(request).settings, "purposes", DEFAULT_PURPOSES)
    return policy


AdminPurpose = Annotated[str, Depends(purpose_for(_admin, _policy))]
router = APIRouter(prefix="/v1/dead-letters", tags=["dead letters"])


class ReplayRequest(BaseModel):
    """Dead letters to send back to their topic: by id, or every one the filters match (`all` without any)."""

    ids: list[str] = Field(default_factory=list, max_length=1000)
    topic: str | None = None
    since: datetime | None = None
    error_type: str | None = None
    all: bool = False


@router.get("")
async def list_dead_letters(
    request: Request,
    who: Admin,
    topic: str | None = None,
    since: datetime | None = None,
    error_type: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
) -> dict[str, Any]:
    """Where each came from and its error type; no key, payload or reason text beyond the sanitised one."""
    resources, dlq_topic = _resources(request), _topic(request)
    letters = await _reading(
        read_dead_letters(resources.settings, dlq_topic, Selection(topic, error_type, _utc(since)), limit)
    )
    await prepare(resources.engine)
    replayed = await replayed_ids(resources.engine, dlq_topic)
    items = [{**letter.summary(), "replayed": letter.id in replayed} for letter in letters]
    return {"dlq_topic": dlq_topic, "items": items}


@router.post("/{letter_id}/open")
async def open_dead_letter(request: Request, who: Admin, purpose: AdminPurpose, letter_id: str) -> dict[str, Any]:
    """One dead letter decrypted: reason, key and payload. Audited before it is answered."""
    resources, dlq_topic = _resources(request), _topic(request)
    letter = _opened(request, await _fetch(request, letter_id))
    await prepare(resources.engine)
    await record_payload_view(resources.engine, dlq_topic, letter.id, who.subject, purpose)
    return {**letter.summary(), "reason": letter.reason, "key": _text(letter.key), "payload": _payload(letter.value)}


@router.post("/replay")
async def replay_dead_letters(
    request: Request, who: Admin, purpose: AdminPurpose, body: ReplayRequest
) -> dict[str, Any]:
    """Each chosen dead letter decrypted and sent back to its topic, once (see dead_letter_replay)."""
    selection = Selection(body.topic, body.error_type, _utc(body.since))
    if not body.ids and selection == Selection() and not body.all:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "name dead letters by id, or filters, or all")
    resources, dlq_topic = _resources(request), _topic(request)
    if body.ids:
        letters = [letter for letter in [await _fetch(request, i) for i in body.ids] if selection.matches(letter)]
    else:
        letters = await _reading(read_dead_letters(resources.settings, dlq_topic, selection))
    await prepare(resources.engine)
    results: list[Replayed] = []
    for letter in letters:
        try:
            opened = open_letter(letter, _seal(request))
        except UnreadableDeadLetter as exc:
            results.append(Replayed(letter, "refused", str(exc)))
            continue
        results.append(await replay(opened, dlq_topic, resources.engine, resources.producer, who.subject))
    return {"results": [{"id": r.letter.id, "outcome": r.outcome, "detail": r.detail} for r in results]}


def _utc(moment: datetime | None) -> datetime | None:
    # A time without a zone is UTC (the dead letters' times are aware; naive ones cannot be compared).
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def _topic(request: Request) -> str:
    return _resources(request).settings.topic(DLQ.name)


def _seal(request: Request) -> DeadLetterSeal:
    # Built on first use and kept: the key derivation is cheap, but there is no reason to repeat it.
    seal: DeadLetterSeal | None = getattr(request.app.state, "dead_letter_seal", None)
    if seal is None:
        seal = request.app.state.dead_letter_seal = DeadLetterSeal.from_settings(_resources(request).settings)
    return seal


def _opened(request: Request, letter: DeadLetter) -> DeadLetter:
    try:
        return open_letter(letter, _seal(request))
    except UnreadableDeadLetter as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"dead letter {letter.id}: {exc}") from None


async def _fetch(request: Request, letter_id: str) -> DeadLetter:
    try:
        parse_id(letter_id)
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    letter = await _reading(fetch_dead_letter(_resources(request).settings, _topic(request), letter_id))
    if letter is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no dead letter {letter_id} in {_topic(request)}")
    return letter


async def _reading(work: Awaitable[T]) -> T:
    try:
        return await work
    except LookupError as exc:  # no dead-letter topic yet
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except TimeoutError as exc:
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, str(exc)) from None


def _payload(value: bytes | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return _text(value)


def _text(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode()
    except UnicodeDecodeError:
        return f"<{len(value)} bytes, not UTF-8: {value[:32].hex()}...>"


__all__ = ["ReplayRequest", "router"]
