"""`anpr up|down|status`: the local Kafka, PostgreSQL and Keycloak (deploy/local/infra.sh) and the service
processes (every one in paths.SERVICES, the staff console included)."""

import os
import subprocess
import sys
import time
from functools import partial

import httpx
import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import PORTS, SERVICES, infra_script, load_run_env, run_dir
from anpr_cli.processes import pid_file, read_pid, rss_mib, start_detached, stop_group, wait_http_ready

console = Console()


def infra(command: str, *args: str) -> int:
    return subprocess.call(["bash", str(infra_script()), command, *args])


def service_pid(service: str) -> int | None:
    return read_pid(pid_file(run_dir(), service))


def start_service(service: str) -> int:
    """Start `anpr run SERVICE` in the background, logging to .run/services/SERVICE.log."""
    existing = service_pid(service)
    if existing:
        return existing
    argv = [sys.executable, "-m", "anpr_cli.main", "run", service]
    log = run_dir() / "services" / f"{service}.log"
    return start_detached(argv, log, pid_file(run_dir(), service)).pid


def stop_service(service: str, timeout: float = 30) -> None:
    pid = service_pid(service)
    if pid is not None:
        stop_group(pid, timeout)
    pid_file(run_dir(), service).unlink(missing_ok=True)


def port_of(service: str) -> int:
    """ANPR_<SERVICE>_PORT when set (the service reads it too: the test run moves the console), else its default."""
    given = os.environ.get(f"ANPR_{service.upper()}_PORT", "")
    return int(given) if given.isdigit() else PORTS[service]


def readyz(service: str) -> str:
    return f"http://127.0.0.1:{port_of(service)}/readyz"


def running(service: str) -> bool:
    return service_pid(service) is not None


def wait_ready(services: tuple[str, ...] = SERVICES, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    for service in services:
        if wait_http_ready(readyz(service), deadline - time.monotonic(), partial(running, service)):
            continue
        if service_pid(service) is None:
            raise typer.Exit(_died(service))
        console.print(f"[red]{service} not ready after {timeout:.0f} s; see {run_dir()}/services/{service}.log")
        raise typer.Exit(1)


def _died(service: str) -> int:
    log = run_dir() / "services" / f"{service}.log"
    tail = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
    console.print(f"[red]{service} exited during start-up; last lines of {log}:")
    console.print("\n".join(tail), markup=False)
    return 1


def infra_up(brokers: int | None = None) -> None:
    """Kafka, PostgreSQL and Keycloak (idempotent), then .run/env into os.environ for what follows.

    `brokers`: Kafka nodes (infra.sh's ANPR_KAFKA_BROKERS); None keeps what the run dir has, else one."""
    if brokers is not None:
        os.environ["ANPR_KAFKA_BROKERS"] = str(brokers)  # the services started next inherit it too
    if infra("up") != 0:
        raise typer.Exit(1)
    load_run_env()


def up(
    brokers: int | None = typer.Option(
        None,
        min=1,
        max=9,
        help="Kafka brokers: 3 runs a three-node KRaft cluster, topics replicated 3 times (min.insync.replicas 2) "
        "as in production; default: what .run/ already has, else 1",
    ),
) -> None:
    """Start Kafka, PostgreSQL, Keycloak and every service (idempotent); wait until all are ready."""
    infra_up(brokers)
    for service in SERVICES:
        start_service(service)
    with console.status(f"waiting for {', '.join(SERVICES)}"):
        wait_ready()
    console.print(f"ready: {', '.join(f'{s} {url_of(s)}' for s in SERVICES)}", soft_wrap=True)


def url_of(service: str) -> str:
    return f"http://127.0.0.1:{port_of(service)}"


def down(purge: bool = typer.Option(False, help="Also delete the data under .run/")) -> None:
    """Stop the services, Keycloak, Kafka and PostgreSQL; nothing is left running."""
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
                ready = str(httpx.get(readyz(service), timeout=2).status_code == 200)
            except httpx.HTTPError:
                ready = "False"
        rss = rss_mib(pid) if pid else None
        table.add_row(service, str(pid or "-"), url_of(service), ready, f"{rss:.0f}" if rss else "-")
    console.print(table)
    raise typer.Exit(code)
