import base64
import json

import pytest

from anpr_ingest.domain.formats import FormatError, decode_body

PAYLOAD = {"hook": {"event": "image.done"}, "data": {"results": []}}
JPEG = b"\xff\xd8\xff\xe0 a jpeg"


def multipart(fields: dict[str, tuple[str | None, bytes]]) -> tuple[str, bytes]:
    boundary = "----anpr-test-boundary"
    parts = []
    for name, (filename, content) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        kind = "image/jpeg" if filename else "text/plain"
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {kind}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def test_json_body_is_the_payload() -> None:
    assert decode_body("application/json", json.dumps(PAYLOAD).encode()) == (PAYLOAD, None)
    assert decode_body("", json.dumps(PAYLOAD).encode()) == (PAYLOAD, None)


def test_webhook_with_image_gives_the_json_field_and_the_upload_as_base64() -> None:
    content_type, body = multipart({"json": (None, json.dumps(PAYLOAD).encode()), "upload": ("car.jpg", JPEG)})

    assert decode_body(content_type, body) == (PAYLOAD, base64.b64encode(JPEG).decode())


def test_form_without_image_is_the_json_field() -> None:
    content_type, body = multipart({"json": (None, json.dumps(PAYLOAD).encode())})

    assert decode_body(content_type, body) == (PAYLOAD, None)


def test_url_encoded_form_with_a_json_field() -> None:
    from urllib.parse import urlencode

    body = urlencode({"json": json.dumps(PAYLOAD)}).encode()

    assert decode_body("application/x-www-form-urlencoded", body) == (PAYLOAD, None)


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("application/json", b"", "empty body"),
        ("application/json", b"{not json", "not JSON"),
        ("application/json", b"[1, 2]", "got list"),
        ("application/json", b"\xff\xfe", "not JSON"),
        ("multipart/form-data; boundary=x", b"no parts here", "without parts|empty body"),
        ("application/x-www-form-urlencoded", b"other=1", "empty body"),
    ],
)
def test_body_that_is_no_json_object_is_refused(content_type: str, body: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        decode_body(content_type, body)


def test_upload_that_is_no_jpeg_is_refused() -> None:
    content_type, body = multipart({"json": (None, b"{}"), "upload": ("car.png", b"\x89PNG...")})

    with pytest.raises(FormatError, match="not a JPEG"):
        decode_body(content_type, body)
