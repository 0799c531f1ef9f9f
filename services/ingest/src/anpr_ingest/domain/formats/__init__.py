"""Formats that existing ANPR systems emit, mapped onto the body of `POST /v1/reads` (`ReadIn`).

Pure functions, no I/O: a webhook route or the `anpr reads import` command does the reading and sending.
Every problem is a `FormatError` (a `PermanentError`, 422) naming the field and why.

    reads_from_openalpr         OpenALPR / Rekor Scout alpr_group, alpr_results (heartbeat, alert: none)
    reads_from_platerecognizer  Plate Recognizer Snapshot and Stream webhooks
    read_from_row               one row of a CSV / JSON-lines shift upload (columns in batch_file)
    decode_body                 a webhook body: JSON, or a form with `json` and an `upload` image
"""

from anpr_ingest.domain.formats.batch_file import COLUMNS, REQUIRED, RowDefaults, check_columns, read_from_row
from anpr_ingest.domain.formats.bodies import decode_body
from anpr_ingest.domain.formats.common import CameraMap, FormatError, ReadBody, Target
from anpr_ingest.domain.formats.openalpr import reads_from_openalpr
from anpr_ingest.domain.formats.platerecognizer import reads_from_platerecognizer

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "CameraMap",
    "FormatError",
    "ReadBody",
    "RowDefaults",
    "Target",
    "check_columns",
    "decode_body",
    "read_from_row",
    "reads_from_openalpr",
    "reads_from_platerecognizer",
]
