"""`anpr read` starts a process per run: the reader must not drag in the service's web app, database and
Kafka wiring, nor onnx (the model rewrite runs once per cache), each a fraction of a second of CPU."""

import subprocess
import sys

import anpr_recognition

HEAVY = ("fastapi", "sqlalchemy", "aiokafka", "onnx", "anpr_runtime")


def modules_loaded_by(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(name for name in {HEAVY!r} if name in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(done.stdout.split())


def test_the_reader_loads_without_the_service_around_it() -> None:
    assert modules_loaded_by("from anpr_recognition import OnnxPlateReader, ImageDecodeError") == set()


def test_the_rest_of_the_public_face_is_there_when_asked_for() -> None:
    assert modules_loaded_by("from anpr_recognition import create_app") >= {"fastapi"}
    for name in anpr_recognition.__all__:
        assert getattr(anpr_recognition, name) is not None
    assert not hasattr(anpr_recognition, "no_such_name")
