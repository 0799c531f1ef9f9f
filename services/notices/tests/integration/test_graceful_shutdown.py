"""`anpr run` as a real process: ready with its Kafka and PostgreSQL, and SIGTERM stops it cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_service_process_becomes_ready_and_stops_on_sigterm(infra: dict[str, str]) -> None:
    port = _free_port()
    env = {
        **os.environ,
        **infra,
        "ANPR_ENV": "test",
        "ANPR_NOTICES_PORT": str(port),
        "ANPR_TOPIC_PREFIX": f"t{uuid.uuid4().hex[:10]}.",
        "ANPR_NOTICES_CONSUMER_GROUP": f"g{uuid.uuid4().hex[:10]}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "anpr_cli.main", "run", "notices"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        assert ready is not None, "service never answered"
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"postgres": "ok", "kafka": "ok", "consumer": "ok"}
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    # uvicorn re-raises the signal after a clean shutdown so supervisors see why it stopped.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert time.monotonic() - started < 40
    assert "Application shutdown complete" in output
