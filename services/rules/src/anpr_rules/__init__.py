"""The rules service: each read judged against every regime in force, with the vehicle registry and
permits in memory; candidates out, no-hits only counted.

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_rules.adapters.compact_index import CompactVehicleIndex
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.adapters.rdw_files import RdwImportError
from anpr_rules.adapters.rdw_import import ImportReport, import_vehicles
from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.adapters.registry_follow import build_snapshot
from anpr_rules.adapters.tables import outcome_counts
from anpr_rules.adapters.vehicle_index import InMemoryVehicleIndex
from anpr_rules.adapters.vehicle_snapshot import (
    SnapshotBuilder,
    SnapshotRefused,
    Stamp,
    open_snapshot,
    write_snapshot,
)
from anpr_rules.bootstrap import SPEC
from anpr_rules.config import RulesSettings
from anpr_rules.domain.decision import judge
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.regime import Regime, Where
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import local_day
from anpr_rules.entrypoints.api import create_app
from anpr_rules.handlers.evaluate import decide

__all__ = [
    "SPEC",
    "CompactVehicleIndex",
    "ImportReport",
    "InMemoryPermitIndex",
    "InMemoryVehicleIndex",
    "Permit",
    "RdwImportError",
    "Regime",
    "RulesSettings",
    "SnapshotBuilder",
    "SnapshotRefused",
    "Stamp",
    "Vehicle",
    "Where",
    "build_snapshot",
    "create_app",
    "decide",
    "import_vehicles",
    "judge",
    "load_regimes",
    "local_day",
    "open_snapshot",
    "outcome_counts",
    "write_snapshot",
]
