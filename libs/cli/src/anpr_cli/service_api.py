"""Talking to the running services as the operator: the admin token and the service URLs from `.run/env`."""

import os
from typing import Any

import httpx
import typer

from anpr_cli.paths import PORTS, load_run_env


def admin_client(timeout: float = 120) -> httpx.Client:
    load_run_env()
    return httpx.Client(headers={"Authorization": f"Bearer {os.environ['ANPR_ADMIN_TOKEN']}"}, timeout=timeout)


def service_url(service: str, path: str) -> str:
    return os.environ.get(f"ANPR_{service.upper()}_URL", f"http://127.0.0.1:{PORTS[service]}") + path


def get_json(client: httpx.Client, service: str, path: str, purpose: str | None = None, **params: Any) -> Any:
    """GET a service's JSON; anything but 200 is the command's error, with the service's own answer.
    `purpose`: the X-Purpose a read of personal data needs (one of the admin token's purposes)."""
    headers = {"X-Purpose": purpose} if purpose else {}
    response = client.get(service_url(service, path), params=params, headers=headers)
    if response.status_code != 200:
        raise typer.BadParameter(f"{service} {path}: {response.status_code} {response.text}")
    return response.json()
