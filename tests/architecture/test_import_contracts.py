"""The import contracts in `.importlinter` (run by `make lint`) hold today, and each one fails when a
module breaks it: a copy of the source trees gets one deliberately bad module, and `lint-imports` must
name the contract it breaks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_TREES = [*ROOT.glob("libs/*/src"), *ROOT.glob("services/*/src"), *ROOT.glob("tools/*/src")]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_sources(target: Path) -> list[Path]:
    roots = []
    for tree in SOURCE_TREES:
        copy = target / tree.relative_to(ROOT)
        shutil.copytree(tree, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        roots.append(copy)
    return roots


def _lint(roots: list[Path]) -> subprocess.CompletedProcess[str]:
    # The copies come first on the path, so grimp reads them instead of the installed (editable) packages.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(r) for r in roots)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", str(ROOT / ".importlinter")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, list[Path]]:
    return tmp_path, _copy_sources(tmp_path)


def test_the_contracts_hold_for_the_code_as_it_is(sources: tuple[Path, list[Path]]) -> None:
    result = _lint(sources[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


BREAKS = [
    # (where the bad module goes, what it imports, the contract that must break)
    ("services/rules/src/anpr_rules/probe.py", "import anpr_ingest", "Services never import each other"),
    ("libs/cli/src/anpr_cli/probe.py", "from anpr_rules.domain import windows", "Nothing outside a service imports"),
    ("services/rules/src/anpr_rules/domain/probe.py", "import sqlalchemy", "Domain modules import no adapter"),
    ("services/notices/src/anpr_notices/domain/probe.py", "from anpr_notices.adapters import tables", "Domain"),
    ("libs/runtime/src/anpr_runtime/probe.py", "import anpr_notices", "Contracts, runtime and the pilot library"),
    ("services/ingest/src/anpr_ingest/handlers/probe.py", "import anpr_bench", "The product (services, libraries"),
    ("services/rules/src/anpr_rules/adapters/probe.py", "from anpr_rules.handlers import ports", "Inside a service"),
    ("services/recognition/src/anpr_recognition/adapters/probe.py", "import anpr_recognition.offline", "Offline"),
]


@pytest.mark.parametrize(("where", "statement", "contract"), BREAKS, ids=[b[0].split("/src/")[1] for b in BREAKS])
def test_a_deliberate_bad_import_breaks_its_contract(
    sources: tuple[Path, list[Path]], where: str, statement: str, contract: str
) -> None:
    base, roots = sources
    (base / where).write_text(f"{statement}  # deliberately against the architecture\n")
    result = _lint(roots)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
    assert "probe" in broken
