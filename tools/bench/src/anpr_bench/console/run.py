"""One console bench run: a database and topics of its own (dropped afterwards), notices, exemptions, rules
and the console as real `anpr run` processes with ANPR_OIDC_ISSUER set, the data seeded through the
services' own paths, the demo people signed in, then the samples."""

import os
import random
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from anpr_bench.common import delete_topics
from anpr_bench.console import measure, seed
from anpr_bench.console.people import ApiToken, Person, console_sign_in
from anpr_bench.faults.cluster import Cluster, Instance, own_database
from anpr_bench.faults.scenario import permits_indexed
from anpr_bench.faults.verify import plain_dsn

Log = Callable[[str], None]
SERVICES = ("notices", "exemptions", "rules")


@dataclass(frozen=True)
class ConsoleBenchConfig:
    candidates: int = 100_000
    permits: int = 50_000
    samples: int = 200


@dataclass(frozen=True)
class Oidc:
    issuer: str
    test_client: str
    console_port: int  # the only port the realm lets the console's login come back to


def oidc_from_env() -> Oidc:
    issuer, client = os.environ.get("ANPR_OIDC_ISSUER", ""), os.environ.get("ANPR_OIDC_TEST_CLIENT_ID", "")
    if not issuer or not client:
        raise RuntimeError("ANPR_OIDC_ISSUER / ANPR_OIDC_TEST_CLIENT_ID are not set: start Keycloak (`anpr up`)")
    if not os.environ.get("ANPR_OIDC_CONSOLE_CLIENT_SECRET"):
        raise RuntimeError("ANPR_OIDC_CONSOLE_CLIENT_SECRET is not set: the console cannot sign anyone in")
    return Oidc(issuer, client, int(os.environ.get("ANPR_CONSOLE_PORT") or 8106))


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _env(
    bootstrap: str, database: str, prefix: str, tag: str, admin: str, oidc: Oidc, urls: dict[str, str]
) -> dict[str, str]:
    env = {
        "ANPR_ENV": "development",  # cookies without Secure: the bench talks plain http to 127.0.0.1
        "KAFKA_BOOTSTRAP": bootstrap,
        "DATABASE_URL": database,
        "ANPR_ADMIN_TOKEN": admin,
        "ANPR_TOKENS": "",
        "ANPR_PSEUDONYM_KEY": secrets.token_urlsafe(24),
        "ANPR_TOPIC_PREFIX": prefix,
        "ANPR_OIDC_ISSUER": oidc.issuer,
        "ANPR_NOTICES_PURGE_INTERVAL_SECONDS": "0",  # no hourly purge in the middle of the samples
        "ANPR_CONSOLE_PUBLIC_URL": f"http://127.0.0.1:{oidc.console_port}",
        "ANPR_EXEMPTIONS_IMPORT_MAX_ROWS": str(seed.IMPORT_ROWS),
    }
    for service in (*SERVICES, "ingest", "recognition"):
        env[f"ANPR_CONSOLE_{service.upper()}_URL"] = urls.get(service, "http://127.0.0.1:9")  # 9: nothing there
        env[f"ANPR_{service.upper()}_CONSUMER_GROUP"] = f"console-bench-{tag}-{service}"
    return env


async def run(
    config: ConsoleBenchConfig, run_dir: Path, bootstrap: str, database_url: str, oidc: Oidc, log: Log
) -> dict[str, Any]:
    if _port_taken(oidc.console_port):
        raise RuntimeError(f"port {oidc.console_port} is taken (a running console?): the realm redirects only there")
    tag = secrets.token_hex(3)
    prefix, admin, rng = f"console-bench-{tag}.", secrets.token_urlsafe(24), random.Random(14)
    vehicles = seed.plates(max(config.permits, config.candidates // 3), rng)
    figures: dict[str, Any] = {"candidates": config.candidates, "permits": config.permits, "samples": config.samples}
    try:
        async with own_database(database_url, f"anpr_console_bench_{tag}") as database:
            cluster = Cluster(run_dir, {}, tag)
            instances = [cluster.instance(s) for s in SERVICES]
            console = cluster.instances["console-0"] = Instance("console", 0, oidc.console_port)
            urls = {i.service: i.url for i in instances}
            cluster.env = _env(bootstrap, database, prefix, tag, admin, oidc, urls)
            try:
                for instance in [*instances, console]:
                    cluster.start(instance)
                for instance in [*instances, console]:
                    await cluster.wait_ready(instance)
                log(f"notices, exemptions, rules and the console ready (console {console.url}); seeding")
                permit_plates = rng.sample(vehicles, config.permits)
                took = await seed.import_permits(urls["exemptions"], admin, permit_plates, rng)
                figures["permits_import_s"] = round(took, 1)
                events = seed.candidates(config.candidates, vehicles, datetime.now(UTC), rng)
                took = await seed.publish_candidates(bootstrap, prefix, events, plain_dsn(database))
                figures["candidates_stored_s"] = round(took, 1)
                del events
                figures["decided"] = min(500, config.candidates // 10)
                await _decisions(urls["notices"], oidc, figures["decided"])
                await permits_indexed(urls["rules"], admin, config.permits, within=600)
                figures |= await _measure(config, console.url, urls, oidc, permit_plates, log)
            finally:
                cluster.stop_all()
    finally:
        await delete_topics(bootstrap, prefix)
    return figures


async def _decisions(notices: str, oidc: Oidc, count: int) -> None:
    """Half by each demo reviewer (the second only when the realm has one): the statistics screen's
    throughput table and its name lookups get two people to show."""
    if count <= 0:
        return
    people = [Person.demo("REVIEWER")] + (
        [Person.demo("REVIEWER_2")] if os.environ.get("ANPR_DEMO_REVIEWER_2_USER") else []
    )
    async with httpx.AsyncClient(timeout=60) as http:
        with seed.progress() as bar:
            for n, person in enumerate(people):
                token = await ApiToken(oidc.issuer, oidc.test_client, person).get(http)
                await seed.decide(notices, token, count // len(people) + (n < count % len(people)), bar)


async def _measure(
    config: ConsoleBenchConfig, console: str, urls: dict[str, str], oidc: Oidc, plates: list[str], log: Log
) -> dict[str, Any]:
    reviewer, desk, supervisor = (Person.demo(r) for r in ("REVIEWER", "PERMIT_DESK", "SUPERVISOR"))
    clients = [httpx.AsyncClient(base_url=console, timeout=60) for _ in range(3)]
    try:
        async with httpx.AsyncClient(timeout=60) as api:
            screens = [
                measure.Screen(
                    "review",
                    clients[0],
                    ApiToken(oidc.issuer, oidc.test_client, reviewer),
                    lambda _: "/review",
                    measure.review_api(urls["notices"], urls["rules"]),
                ),
                measure.Screen(
                    "permits",
                    clients[1],
                    ApiToken(oidc.issuer, oidc.test_client, desk),
                    lambda plate: f"/permits?plate={plate}",
                    measure.permits_api(urls["exemptions"]),
                ),
                measure.Screen(
                    "stats",
                    clients[2],
                    ApiToken(oidc.issuer, oidc.test_client, supervisor),
                    lambda _: "/supervisor",
                    measure.stats_api(urls["notices"]),
                ),
            ]
            for screen, person in zip(screens, (reviewer, desk, supervisor), strict=True):
                # Landing on the start page: it exists for everyone, whichever screens are built yet.
                await console_sign_in(screen.console, person, "/")
            log(f"three people signed in through Keycloak's login page; {config.samples} samples per screen")
            await measure.measure(screens, api, config.samples, plates)
            return measure.figures(screens)
    finally:
        for client in clients:
            await client.aclose()
