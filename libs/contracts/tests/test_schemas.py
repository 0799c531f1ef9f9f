import json

from anpr_contracts.schemas import default_schema_dir, schema_documents


def test_exported_json_schemas_are_current() -> None:
    """Fails when a model changed without `anpr contracts export-schemas` being run."""
    directory = default_schema_dir()
    for file_name, expected in schema_documents().items():
        path = directory / file_name
        assert path.exists(), f"{path} missing: run `anpr contracts export-schemas`"
        assert path.read_text() == expected, f"{path} is stale: run `anpr contracts export-schemas`"
    exported = {p.name for p in directory.glob("*.schema.json")}
    assert exported == set(schema_documents()), "schema files without a model: remove them"


def test_schemas_describe_every_field() -> None:
    for text in schema_documents().values():
        schema = json.loads(text)
        for name, prop in schema["properties"].items():
            assert prop.get("description"), f"{schema['title']}.{name} has no description"
