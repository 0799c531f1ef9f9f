"""The exemptions service: permits (ontheffingen), day-permit quotas, automatic exemptions; every change
published on the compacted `anpr.exemptions.v1`.

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_exemptions.bootstrap import SPEC
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.errors import RefusalCode
from anpr_exemptions.entrypoints.api import create_app

__all__ = ["SPEC", "ExemptionsSettings", "RefusalCode", "create_app"]
