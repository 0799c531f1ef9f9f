"""JSON Schema export for producers that are not Python (camera gateways, integrators)."""

import json
from pathlib import Path

from pydantic import BaseModel

from anpr_contracts.events import (
    ApplicationChanged,
    CandidateRaised,
    ExemptionChanged,
    FrameCaptured,
    PlateRecognized,
    ReadReevaluated,
    ReevaluateRead,
)

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "frame.captured": FrameCaptured,
    "plate.recognized": PlateRecognized,
    "candidate.raised": CandidateRaised,
    "exemption.changed": ExemptionChanged,
    "application.changed": ApplicationChanged,
    "read.reevaluate": ReevaluateRead,
    "read.reevaluated": ReadReevaluated,
}


def schema_documents() -> dict[str, str]:
    """File name -> JSON text of every exported schema."""
    return {
        f"{name}.v1.schema.json": json.dumps(model.model_json_schema(mode="validation"), indent=2, sort_keys=True)
        + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def default_schema_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas"


def export_schemas(directory: Path) -> list[Path]:
    return write_schemas(directory, schema_documents())


def write_schemas(directory: Path, documents: dict[str, str]) -> list[Path]:
    """Writes each document (file name -> JSON text) into `directory`, made if missing; the paths written.

    Shared with the services that export schemas of their own (ingest's read submissions)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in documents.items():
        path = directory / file_name
        path.write_text(text)
        written.append(path)
    return written
