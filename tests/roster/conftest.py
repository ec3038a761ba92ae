from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from .workbooks import valid_sheets, write_workbook


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]


def run_command(name: str, *args) -> Run:
    """call_command, capturing output and the exit status (0, or SystemExit's code)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def sample_path(tmp_path):
    return write_workbook(tmp_path / "roster.xlsx", valid_sheets())


@pytest.fixture
def imported(sample_path):
    """The sample roster, imported."""
    result = run_command("import_roster", str(sample_path))
    assert result.code == 0, result.out + result.err
    return result
