"""The house's layers (.importlinter, docs/architecture.md): each app imports only the apps below
it and the core imports none. CI runs ``lint-imports`` too; here it also runs with the suite."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shuanglian.scoping import Scope

ROOT = Path(__file__).resolve().parent.parent


def lint_imports() -> str:
    return shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"


PACKAGES = ("shuanglian", "households", "pairing", "visits", "assessments", "reports", "seeding", "publicity")


def run_lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([lint_imports(), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=300)


def test_every_import_goes_down_the_layers():
    result = run_lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    """The contract really bites: in a copy of the code, the households app importing visits is refused."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "households" / "wrong_way.py").write_text("import visits.models  # noqa: F401\n")
    result = run_lint(tmp_path)
    assert result.returncode == 1
    assert "households.wrong_way -> visits.models" in result.stdout


def test_a_unit_scope_without_its_reach_is_refused_rather_than_seeing_nothing():
    with pytest.raises(ValueError, match="reach"):
        Scope(unit_id=1)
