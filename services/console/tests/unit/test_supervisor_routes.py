"""The supervisor screen's routes inside the console: a fake session, notices answered by an httpx
MockTransport that records what the console sent (and with whose token)."""

import json
from datetime import timedelta

import httpx
import pytest

from .fakes import console_client, signed_in_session

CSRF = "csrf-secret"
BATCH = {
    "batch_id": "6f1c0000-0000-4000-8000-000000000001",
    "created_at": "2026-03-02T16:00:00+00:00",
    "created_by": "sub-sam",
    "created_by_name": "Sam Supervisor",
    "notices": 2,
    "warnings": 1,
    "count": 3,
}
STATS = {
    "per_hour": [
        {
            "regime_id": "mz-centrum",
            "location_id": "loc-1",
            "hour": "2026-03-02T10:00:00+00:00",
            "reads_judged": 40,
            "candidates": 5,
            "accepted": 3,
            "rejected": {"misread": 1},
        }
    ],
    "reviewers": [{"reviewer": "sub-renske", "hour": "2026-03-02T11:00:00+00:00", "decisions": 4}],
    "backlog": {"pending": 2, "awaiting_second_review": 1, "reevaluating": 0, "oldest_pending_age_seconds": 90061},
    "sources": {"rules_outcome_counts": "ok"},
}
AUDIT = [
    {
        "audit_id": 7,
        "at": "2026-03-02T12:00:00+00:00",
        "actor": "sub-renske",
        "actor_name": "Renske de Vries",
        "action": "decide:accept",
        "subject": "0b7e0000-0000-4000-8000-000000000009",
        "reason": "review",
    }
]
WARNING = {
    "id": "0b7e0000-0000-4000-8000-000000000009",
    "plate": "63HKHD",
    "formatted": "63-HK-HD",
    "observed_at": "2026-03-02T10:00:00+00:00",
    "regime_id": "mz-centrum",
    "location_id": "loc-1",
    "status": "warning_issued",
    "issued_as": "warning",
}


class Notices:
    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self.batches = [BATCH]
        self.answers: dict[tuple[str, str], httpx.Response] = {
            ("GET", "/v1/stats"): httpx.Response(200, json=STATS),
            ("GET", "/v1/audit"): httpx.Response(200, json=AUDIT),
            ("GET", "/v1/reminders/2026-02"): httpx.Response(404, json={"detail": "no reminder run for 2026-02"}),
            ("GET", f"/v1/exports/{BATCH['batch_id']}.csv"): httpx.Response(
                200, content=b"candidate_id,kind\r\n", headers={"content-type": "text/csv; charset=utf-8"}
            ),
            ("GET", f"/v1/letters/{WARNING['id']}"): httpx.Response(
                200, text="<html><style>p{}</style><p>Waarschuwing</p></html>", headers={"content-type": "text/html"}
            ),
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        path = request.url.path
        if path == "/v1/exports" and request.method == "GET":
            return httpx.Response(200, json={"items": self.batches[: int(request.url.params.get("limit", 100))]})
        if path == "/v1/exports" and request.method == "POST":
            made = {**BATCH, "batch_id": f"6f1c0000-0000-4000-8000-00000000000{len(self.batches) + 1}"}
            self.batches.insert(0, made)
            return httpx.Response(201, json=made)
        if path == "/v1/candidates":
            status = request.url.params.get("status")
            return httpx.Response(200, json=[WARNING] if status == "warning_issued" else [])
        if path == "/v1/reminders/run":
            month = json.loads(request.content)["month"]
            return httpx.Response(200, json={"month": month, "count": 0, "items": []})
        return self.answers.get((request.method, path), httpx.Response(404, json={"detail": "Not Found"}))

    def posts(self, path: str) -> list[httpx.Request]:
        return [r for r in self.sent if r.method == "POST" and r.url.path == path]


@pytest.fixture
def notices() -> Notices:
    return Notices()


def _client(notices: Notices, roles: frozenset[str] = frozenset({"supervisor"})) -> httpx.AsyncClient:
    person = signed_in_session("Sam Supervisor", roles, CSRF, subject="sub-sam", tokens_for=timedelta(hours=1))
    return console_client(notices, person)


async def test_statistics_are_tables_with_captions_and_reviewer_names(notices: Notices) -> None:
    page = await _client(notices).get("/supervisor", params={"since": "2026-03-01", "until": "2026-03-02"})
    assert page.status_code == 200, page.text
    assert '<th scope="row">mz-centrum</th>' in page.text
    assert '<th scope="row">Renske de Vries</th>' in page.text  # the name from the audit trail, not the sub
    assert '<th scope="row">11:00</th>' in page.text  # 10:00 UTC is 11:00 in Amsterdam in March
    assert "1 d 1 u 1 min" in page.text
    assert page.text.count("<caption>") == 5
    stats = next(r for r in notices.sent if r.url.path == "/v1/stats")
    assert stats.url.params["since"] == "2026-03-01T00:00:00+01:00"
    assert stats.url.params["until"] == "2026-03-03T00:00:00+01:00"
    assert stats.headers["Authorization"] == "Bearer access-1"


async def test_a_bad_period_keeps_what_was_typed_and_marks_the_field(notices: Notices) -> None:
    page = await _client(notices).get("/supervisor", params={"since": "2026-03-09", "until": "2026-03-01"})
    assert page.status_code == 422
    assert 'aria-invalid="true" aria-describedby="since-error"' in page.text
    assert 'value="2026-03-09"' in page.text
    assert not any(r.url.path == "/v1/stats" for r in notices.sent)


async def test_without_the_supervisor_role_the_403_page(notices: Notices) -> None:
    for path in ("/supervisor", "/supervisor/exports", "/supervisor/audit", "/supervisor/reminders"):
        page = await _client(notices, frozenset({"reviewer"})).get(path)
        assert page.status_code == 403
    assert notices.sent == []


async def test_notices_down_gives_the_503_page(notices: Notices) -> None:
    notices.answers["GET", "/v1/audit"] = httpx.Response(502)
    page = await _client(notices).get("/supervisor/audit")
    assert page.status_code == 503


async def test_an_export_confirmed_twice_makes_one_batch(notices: Notices) -> None:
    client = _client(notices)
    confirm = await client.get("/supervisor/exports/new")
    assert f'name="newest" value="{BATCH["batch_id"]}"' in confirm.text
    form = {"csrf_token": CSRF, "newest": BATCH["batch_id"]}
    first = await client.post("/supervisor/exports", data=form)
    second = await client.post("/supervisor/exports", data=form)  # the same form again: a double submit
    assert first.status_code == second.status_code == 303
    assert "done=created" in first.headers["location"]
    assert "done=already" in second.headers["location"]
    assert len(notices.posts("/v1/exports")) == 1
    refused = await client.post("/supervisor/exports", data={"newest": BATCH["batch_id"]})
    assert refused.status_code == 403  # no CSRF token
    assert len(notices.posts("/v1/exports")) == 1


async def test_a_download_is_an_attachment_fetched_with_the_persons_token(notices: Notices) -> None:
    found = await _client(notices).get(f"/supervisor/exports/{BATCH['batch_id']}/download/csv")
    assert found.status_code == 200
    assert found.headers["content-disposition"] == f'attachment; filename="export-{BATCH["batch_id"]}.csv"'
    assert found.headers["cache-control"] == "private, no-store"


async def test_letters_list_and_a_letter_in_a_sandbox(notices: Notices) -> None:
    client = _client(notices)
    listing = await client.get("/supervisor/letters")
    assert "63-HK-HD" in listing.text
    assert f'href="/supervisor/letters/{WARNING["id"]}"' in listing.text
    letter = await client.get(f"/supervisor/letters/{WARNING['id']}")
    assert "Waarschuwing" in letter.text
    assert "sandbox" in letter.headers["content-security-policy"]


async def test_the_audit_trail_shows_names_and_keeps_bad_filters(notices: Notices) -> None:
    client = _client(notices)
    page = await client.get("/supervisor/audit", params={"actor": "sub-renske"})
    assert "Renske de Vries" in page.text
    assert "geaccepteerd" in page.text
    sent = next(r for r in notices.sent if r.url.path == "/v1/audit")
    assert sent.url.params["actor"] == "sub-renske"
    bad = await client.get("/supervisor/audit", params={"since": "2 maart", "actor": "sub-x"})
    assert bad.status_code == 422
    assert 'aria-describedby="since-error"' in bad.text
    assert 'value="2 maart"' in bad.text
    assert 'value="sub-x"' in bad.text


async def test_the_reminder_run_posts_once_and_redirects(notices: Notices) -> None:
    client = _client(notices)
    done = await client.post("/supervisor/reminders", data={"csrf_token": CSRF, "month": "2026-02"})
    assert done.status_code == 303
    assert done.headers["location"] == "/supervisor/reminders?month=2026-02&done=run"
    assert [json.loads(r.content) for r in notices.posts("/v1/reminders/run")] == [{"month": "2026-02"}]
    bad = await client.post("/supervisor/reminders", data={"csrf_token": CSRF, "month": "februari"})
    assert bad.status_code == 422
    assert 'aria-invalid="true" aria-describedby="month-error"' in bad.text
    assert 'value="februari"' in bad.text
    assert len(notices.posts("/v1/reminders/run")) == 1
    never = await client.get("/supervisor/reminders", params={"month": "2026-02"})
    assert 'id="not-run"' in never.text


def _english(client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.cookies.set("anpr_lang", "en")
    return client


async def test_english_is_available(notices: Notices) -> None:
    page = await _english(_client(notices)).get("/supervisor/exports")
    assert "Export batches" in page.text
    assert "Sam Supervisor" in page.text
