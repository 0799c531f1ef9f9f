import inspect

import pytest

from anpr_notices.adapters.audit import AuditLog
from anpr_notices.adapters.candidates import CandidateRepository
from anpr_notices.adapters.exports import ExportRepository
from anpr_notices.adapters.retention import RetentionRepository

from .fakes import FakeAuditLog, FakeCandidateRepository, FakeExportRepository, FakeRetentionRepository


@pytest.mark.parametrize(
    ("port", "fake"),
    [
        (CandidateRepository, FakeCandidateRepository),
        (AuditLog, FakeAuditLog),
        (RetentionRepository, FakeRetentionRepository),
        (ExportRepository, FakeExportRepository),
    ],
)
def test_fake_has_every_method_of_its_port_with_the_same_parameters(port: type, fake: type) -> None:
    methods = {name for name, _ in inspect.getmembers(port, inspect.isfunction) if not name.startswith("_")}
    assert methods
    for name in methods:
        fake_method = getattr(fake, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(port, name)).parameters.keys()
        ), name
