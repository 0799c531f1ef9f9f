"""The notices service: candidates with evidence, the review workflow, exports, letters, retention and
the audit trail.

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_notices.bootstrap import SPEC
from anpr_notices.config import NoticesSettings
from anpr_notices.entrypoints.api import create_app

__all__ = ["SPEC", "NoticesSettings", "create_app"]
