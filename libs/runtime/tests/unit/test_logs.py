import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from anpr_runtime.correlation import CORRELATION_ID, SERVICE, bound
from anpr_runtime.logs import MASK, JsonFormatter, LogSettings, configure_logging, mask_plates


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """A handler with our formatter on a logger of its own: what the service would print."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("fallback-service"))
    logger = logging.getLogger("anpr.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)


def entries(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_object_per_line_with_the_context_of_the_work(lines: io.StringIO) -> None:
    log = logging.getLogger("anpr.test.logs")
    with bound(service="rules", correlation_id="frame-42", event_id="e-1"):
        log.info("judged %d reads", 3, extra={"topic": "anpr.reads.v1", "partition": 2})
    log.warning("outside any work")

    inside, outside = entries(lines)
    assert inside["level"] == "INFO"
    assert inside["logger"] == "anpr.test.logs"
    assert inside["service"] == "rules"
    assert inside["message"] == "judged 3 reads"
    assert inside["correlation_id"] == "frame-42"
    assert inside["event_id"] == "e-1"
    assert (inside["topic"], inside["partition"]) == ("anpr.reads.v1", 2)
    assert str(inside["ts"]).endswith("+00:00")
    assert outside["service"] == "fallback-service"
    assert "correlation_id" not in outside
    assert "event_id" not in outside


def test_plates_in_messages_and_extra_fields_are_masked_but_ids_are_not(lines: io.StringIO) -> None:
    log = logging.getLogger("anpr.test.logs")
    with bound(correlation_id="AB12CD"):
        log.info("read 63-HK-HD and 72VGX6 at %s", "cam-1", extra={"note": "plate ZD-PB-67", "event_type": "X1Y2Z3"})

    [entry] = entries(lines)
    assert "63-HK-HD" not in entry["message"]
    assert "72VGX6" not in entry["message"]
    assert entry["message"] == f"read {MASK} and {MASK} at cam-1"
    assert entry["note"] == f"plate {MASK}"
    assert entry["correlation_id"] == "AB12CD"
    assert entry["event_type"] == "X1Y2Z3"


@pytest.mark.parametrize("plate", ["63-HK-HD", "ZD-PB-67", "1-KBB-12", "AB-123-C", "72VGX6", "57LFJB"])
@pytest.mark.parametrize("template", ["x {} y", "'{}'", "plate={}.", '{{"plate": "{}"}}'])
def test_dutch_sidecodes_are_masked(plate: str, template: str) -> None:
    assert mask_plates(template.format(plate)) == template.format(MASK)


@pytest.mark.parametrize(
    "text",
    [
        "anpr.reads.v1[0]@12",
        "2026-11-29T01:02:03+00:00",
        "KafkaConnectionError",
        "GET /v1/frames 202",
        "12-03-45",
        "event 0f8e2c1a-9b7d-4e3f-8a2b-1c0d9e8f7a6b",
    ],
)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert mask_plates(text) == text


@pytest.mark.parametrize(
    "plate",
    [
        "ab-12-cd",  # lower case
        "63-hk-hd",
        "ab12cd",
        "AB 12 CD",  # written with spaces
        "63 HK HD",
        "B MW 1234",  # German
        "M-AB 123",
        "WA 12345",  # Polish
        "KR 1234A",
        "1-ABC-123",  # Belgian
        "BMW1234",
    ],
)
@pytest.mark.parametrize("template", ["x {} y", "'{}'", "plate={}.", '{{"plate": "{}"}}'])
def test_lower_case_spaced_and_foreign_plates_are_masked(plate: str, template: str) -> None:
    assert mask_plates(template.format(plate)) == template.format(MASK)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-06",
        "2026-12-06T07:04:33.123+00:00",
        "0f8e2c1a-9b7d-4e3f-8a2b-1c0d9e8f7a6b",
        "t1a2b3c4d5.anpr.reads.v1",
        "faults-3f9a2b-rules",
        "sha256 utf8 ipv4 http2 py311",
        "handled 12 of 40 reads at 10 am in 3 ms",
        "retrying after 2 s (attempt 3)",
        "HTTP 200",
    ],
)
def test_dates_uuids_topics_and_prose_stay_readable(text: str) -> None:
    assert mask_plates(text) == text


def test_structured_fields_are_masked_all_the_way_down_and_keep_their_types(lines: io.StringIO) -> None:
    log = logging.getLogger("anpr.test.logs")
    read = {"plate": "ab-12-cd", "seen": ["AB 12 CD", "B MW 1234"], "confidence": 0.97, "ok": True, "n": 3}

    log.info(
        "read",
        extra={
            "read": read,
            "plates": ["WA 12345", 72, None],
            "pair": ("63HKHD", 1),
            "by_plate": {"72VGX6": 2},
            "raw": b"ZD-PB-67",
            "count": 12345,
        },
    )

    [entry] = entries(lines)
    assert entry["read"] == {"plate": MASK, "seen": [MASK, MASK], "confidence": 0.97, "ok": True, "n": 3}
    assert entry["plates"] == [MASK, 72, None]
    assert entry["pair"] == [MASK, 1]
    assert entry["by_plate"] == {MASK: 2}
    assert entry["raw"] == f"b'{MASK}'"
    assert entry["count"] == 12345
    for plate in ("ab-12-cd", "AB 12 CD", "MW 1234", "WA 12345", "63HKHD", "72VGX6", "ZD-PB-67"):
        assert plate not in json.dumps(entry)


def test_an_exception_is_logged_by_type_and_stack_never_by_its_text(lines: io.StringIO) -> None:
    log = logging.getLogger("anpr.test.logs")
    try:
        raise ValueError("no location for plate 72-VGX-6")
    except ValueError:
        log.exception("handler failed")

    [entry] = entries(lines)
    assert entry["error"] == "ValueError"
    assert any("test_an_exception_is_logged" in frame for frame in entry["stack"])  # type: ignore[attr-defined]
    assert "VGX" not in json.dumps(entry)


async def test_the_context_follows_tasks_and_threads() -> None:
    with bound(service="recognition", correlation_id="c-9"):
        in_task = await asyncio.create_task(_current())
        in_thread = await asyncio.to_thread(lambda: (SERVICE.get(), CORRELATION_ID.get()))
    assert in_task == ("recognition", "c-9")
    assert in_thread == ("recognition", "c-9")
    assert (SERVICE.get(), CORRELATION_ID.get()) == (None, None)


async def _current() -> tuple[str | None, str | None]:
    return SERVICE.get(), CORRELATION_ID.get()


def test_bound_restores_the_outer_value_and_leaves_unset_values_alone() -> None:
    with bound(correlation_id="outer", service="notices"):
        with bound(correlation_id="inner"):
            assert (CORRELATION_ID.get(), SERVICE.get()) == ("inner", "notices")
        assert CORRELATION_ID.get() == "outer"


def test_configure_logging_routes_uvicorn_through_one_handler_and_silences_its_access_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, server = logging.getLogger(), logging.getLogger("uvicorn.error")
    before = list(root.handlers)
    level, server_level = root.level, server.level
    server.setLevel(logging.INFO)  # another test may have run uvicorn at "warning"
    try:
        configure_logging("ingest", LogSettings(level="INFO"))
        configure_logging("ingest", LogSettings(level="INFO"))
        ours = [h for h in root.handlers if h not in before]
        assert len(ours) == 1
        assert logging.getLogger("uvicorn.error").propagate
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 7, extra={"color_message": "x"})
        logging.getLogger("uvicorn.access").info('"GET /v1/check?plate=72VGX6 HTTP/1.1" 200')
        printed = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
        assert [{k: e[k] for k in ("service", "logger", "message")} for e in printed] == [
            {"service": "ingest", "logger": "uvicorn.error", "message": "Started server process [7]"}
        ]
        assert "color_message" not in printed[0]
        # uvicorn writes access lines only when the logger has a handler somewhere: it must have none.
        assert not logging.getLogger("uvicorn.access").hasHandlers()
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
        server.setLevel(server_level)


def test_log_settings_take_any_letter_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_LOG_LEVEL", "debug")
    monkeypatch.setenv("ANPR_LOG_FORMAT", "TEXT")
    assert (LogSettings().level, LogSettings().format) == ("DEBUG", "text")
