"""The staff console: server-rendered screens behind one OpenID Connect login, calling the services' APIs
with the signed-in person's own access token. It consumes no Kafka and keeps no business data: only its
sessions, in its own PostgreSQL schema `console`.

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_console.bootstrap import SPEC
from anpr_console.config import ConsoleSettings
from anpr_console.entrypoints.api import create_app

__all__ = ["SPEC", "ConsoleSettings", "create_app"]
