"""The six services as real processes (`anpr run SERVICE`, as `anpr up` starts them), each on a port of its
own and a topic prefix of this session; and a raw HTTP client that keeps sending a body while it watches
for the answer, which httpx cannot (it sends the whole body before it reads anything)."""

import os
import select
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from anpr_cli.paths import SERVICES
from anpr_cli.processes import free_port, pid_file, rss_mib, start_detached, stop_group, wait_http_ready

ADMIN_TOKEN = f"sec-proc-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    process: "subprocess.Popen[bytes]"
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_all(infra: dict[str, str], run_dir: Path) -> dict[str, Service]:
    """Every service started at once (they import in parallel), then each waited for until ready."""
    ports = {name: free_port() for name in SERVICES}
    env = {
        **os.environ,
        **infra,
        "ANPR_RUN_DIR": str(run_dir),  # `anpr run` reads no env file from here
        "ANPR_ENV": "test",
        "ANPR_ADMIN_TOKEN": ADMIN_TOKEN,
        "ANPR_TOKENS": "",
        "ANPR_OIDC_ISSUER": "",  # people's tokens play no part here; the console runs without sign-in
        "ANPR_TOPIC_PREFIX": f"secproc{uuid.uuid4().hex[:8]}.",
        "ANPR_NOTICES_PURGE_INTERVAL_SECONDS": "0",
        "ANPR_RECOGNITION_ONNX_THREADS": "1",
        **{f"ANPR_{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **{f"ANPR_CONSOLE_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
    }
    started: dict[str, Service] = {}
    try:
        for name in SERVICES:
            log = run_dir / "services" / f"{name}.log"
            argv = [sys.executable, "-m", "anpr_cli.main", "run", name]
            process = start_detached(argv, log, pid_file(run_dir, name), env=env)
            started[name] = Service(name, ports[name], process, log)
        for service in started.values():
            ready = wait_http_ready(f"{service.url}/readyz", 240, service.running)
            assert ready, f"{service.name} did not start:\n{service.tail()}"
    except BaseException:
        stop_all(started)
        raise
    return started


def stop_all(services: dict[str, Service]) -> None:
    for service in services.values():
        stop_group(service.pid, timeout=20)
        service.process.wait(5)


def resident_mib(pid: int) -> float:
    found = rss_mib(pid)
    assert found is not None, f"no resident memory for process {pid}: has it died?"
    return found


@dataclass(frozen=True)
class Answer:
    status: int
    head: str
    seconds: float  # from the first byte sent to the status line
    body_bytes_sent: int  # written after the head, chunk framing included


def post_streaming(
    port: int, path: str, headers: dict[str, str], total: int, chunked: bool, within: float = 10
) -> Answer:
    """POST `total` bytes of body to 127.0.0.1:port, declared in Content-Length or sent chunked, 64 KiB at a
    time for as long as the server reads; stops as soon as an answer arrives (or the server closes)."""
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)}
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in {**headers, **framing}.items())]
    started = time.monotonic()
    sent, answer, pending, ended = 0, b"", b"", False
    with socket.create_connection(("127.0.0.1", port), timeout=within) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        connection.setblocking(False)
        while time.monotonic() - started < within:
            writing = [connection] if sent < total or pending else []  # then only the answer is awaited
            readable, writable, _ = select.select([connection], writing, [], 0.5)
            if readable:
                try:
                    data = connection.recv(65536)
                except ConnectionResetError:
                    break
                answer += data
                if not data or b"\r\n\r\n" in answer:
                    break
            elif writable:
                if not pending:
                    pending = _next_piece(total - sent, chunked)
                try:
                    written = connection.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                except BlockingIOError:
                    continue
                pending, sent = pending[written:], sent + written
                if chunked and sent >= total and not pending and not ended:
                    pending, ended = b"0\r\n\r\n", True  # the last chunk: a server may answer only now
        seconds = time.monotonic() - started
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
    return Answer(status, head, seconds, sent)


def _next_piece(left: int, chunked: bool) -> bytes:
    """64 KiB of body, never more than is left (a declared length is kept to the byte), framed if chunked."""
    piece = b"x" * min(64 * 1024, max(left, 1))
    return b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
