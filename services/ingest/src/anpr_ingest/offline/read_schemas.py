"""JSON Schema of the reads integrators POST to ingest (`/v1/reads`, `/v1/reads/batch`).

`python -m anpr_ingest.offline.read_schemas` rewrites `services/ingest/schemas/`; a test fails while they are stale.
"""

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from anpr_contracts.schemas import write_schemas
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints.schemas import ReadIn


def schema_documents() -> dict[str, str]:
    """File name -> JSON text of every exported schema."""
    single = ReadIn.model_json_schema(mode="validation")
    single["title"] = "ReadSubmission"
    limit = IngestSettings.model_fields["max_batch_reads"].default
    batch = TypeAdapter(Annotated[list[ReadIn], Field(max_length=limit)]).json_schema(mode="validation")
    batch["title"] = "ReadSubmissionBatch"
    batch["description"] = f"Up to {limit} reads in one POST /v1/reads/batch (a deployment may set another limit)."
    return {"read-submission.schema.json": _text(single), "read-submission-batch.schema.json": _text(batch)}


def default_schema_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "schemas"


def export_schemas(directory: Path) -> list[Path]:
    return write_schemas(directory, schema_documents())


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    for path in export_schemas(default_schema_dir()):
        print(path)
