"""The ingest service: cameras, locations, placements; frames and reads in, events out.

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_ingest.bootstrap import SPEC
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.formats import FormatError, RowDefaults, check_columns, read_from_row
from anpr_ingest.domain.formats.batch_file import position
from anpr_ingest.entrypoints.api import create_app
from anpr_ingest.entrypoints.schemas import ReadIn

__all__ = [
    "SPEC",
    "FormatError",
    "IngestSettings",
    "ReadIn",
    "RowDefaults",
    "check_columns",
    "create_app",
    "position",
    "read_from_row",
]
