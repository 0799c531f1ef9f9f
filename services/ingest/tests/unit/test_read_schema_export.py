import json

from anpr_ingest.offline.read_schemas import default_schema_dir, schema_documents

REGENERATE = "run `.venv/bin/python -m anpr_ingest.offline.read_schemas`"


def test_exported_read_submission_schemas_are_current() -> None:
    """Fails when ReadIn (or the batch limit) changed without the files being regenerated."""
    directory = default_schema_dir()
    for file_name, expected in schema_documents().items():
        path = directory / file_name
        assert path.exists(), f"{path} missing: {REGENERATE}"
        assert path.read_text() == expected, f"{path} is stale: {REGENERATE}"
    assert {p.name for p in directory.glob("*.schema.json")} == set(schema_documents()), "stray schema files"


def test_every_field_of_a_read_submission_is_described() -> None:
    schema = json.loads(schema_documents()["read-submission.schema.json"])
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"ReadSubmission.{name} has no description"


def test_batch_schema_is_an_array_of_read_submissions_with_a_limit() -> None:
    batch = json.loads(schema_documents()["read-submission-batch.schema.json"])
    assert (batch["type"], batch["maxItems"]) == ("array", 1000)
    assert batch["items"] == {"$ref": "#/$defs/ReadIn"}
    assert set(batch["$defs"]["ReadIn"]["required"]) == {"source", "observed_at", "plate"}
