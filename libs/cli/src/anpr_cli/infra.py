"""`anpr up|down|status`: the local Kafka + PostgreSQL (deploy/local/infra.sh) and the service processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import PORTS, SERVICES, load_run_env, repo_root, run_dir

console = Console()


def infra(command: str, *args: str) -> int:
    script = repo_root() / "deploy" / "local" / "infra.sh"
    return subprocess.call(["bash", str(script), command, *args])


def _pid_file(service: str) -> Path:
    return run_dir() / "services" / f"{service}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def service_pid(service: str) -> int | None:
    path = _pid_file(service)
    if not path.exists():
        return None
    pid = int(path.read_text().strip() or 0)
    return pid if pid and _alive(pid) else None


def start_service(service: str) -> int:
    """Start `anpr run SERVICE` in the background, logging to .run/services/SERVICE.log."""
    existing = service_pid(service)
    if existing:
        return existing
    folder = run_dir() / "services"
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / f"{service}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "anpr_cli.main", "run", service],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _pid_file(service).write_text(str(process.pid))
    return process.pid


def stop_service(service: str, timeout: float = 30) -> None:
    pid = service_pid(service)
    if pid is None:
        _pid_file(service).unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)  # graceful: finish the current message, commit, close
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    _pid_file(service).unlink(missing_ok=True)


def wait_ready(services: tuple[str, ...] = SERVICES, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    pending = list(services)
    while pending:
        service = pending[0]
        try:
            if httpx.get(f"http://127.0.0.1:{PORTS[service]}/readyz", timeout=2).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if service_pid(service) is None:
            raise typer.Exit(_died(service))
        if time.monotonic() > deadline:
            console.print(f"[red]{service} not ready after {timeout:.0f} s; see {run_dir()}/services/{service}.log")
            raise typer.Exit(1)
        time.sleep(0.5)


def _died(service: str) -> int:
    log = run_dir() / "services" / f"{service}.log"
    tail = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
    console.print(f"[red]{service} exited during start-up; last lines of {log}:")
    console.print("\n".join(tail), markup=False)
    return 1


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def up() -> None:
    """Start Kafka and PostgreSQL (idempotent)."""
    if infra("up") != 0:
        raise typer.Exit(1)


def down(purge: bool = typer.Option(False, help="Also delete the data under .run/")) -> None:
    """Stop the services, Kafka and PostgreSQL; nothing is left running."""
    for service in reversed(SERVICES):
        stop_service(service)
    raise typer.Exit(infra("down", *(["--purge"] if purge else [])))


def status() -> None:
    """Infrastructure and service processes with resident memory."""
    code = infra("status")
    load_run_env()
    table = Table("service", "pid", "url", "ready", "RSS MiB")
    for service in SERVICES:
        pid = service_pid(service)
        ready = "-"
        if pid:
            try:
                ready = str(httpx.get(f"http://127.0.0.1:{PORTS[service]}/readyz", timeout=2).status_code == 200)
            except httpx.HTTPError:
                ready = "False"
        rss = rss_mib(pid) if pid else None
        table.add_row(
            service, str(pid or "-"), f"http://127.0.0.1:{PORTS[service]}", ready, f"{rss:.0f}" if rss else "-"
        )
    console.print(table)
    raise typer.Exit(code)
