"""Workbooks too big to read safely are refused before openpyxl parses them: the shared-string
table (held whole in memory), each sheet, and the rows and cells of all sheets, each against
its own limit (settings ROSTER_MAX_*), with a Chinese message naming the limit."""
from __future__ import annotations

import io
import tracemalloc
import zipfile
from unittest import mock

import pytest
from openpyxl import Workbook

from households.models import Household
from shuanglian.errors import DomainError
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.roster.reader import open_workbook
from shuanglian.scoping import EVERYTHING

from .workbooks import valid_sheets

pytestmark = pytest.mark.django_db

SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def plain_workbook(rows: int = 3, columns: int = 3) -> bytes:
    """A one-sheet workbook of text cells (openpyxl writes them inline)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "农户"
    for r in range(rows):
        ws.append([f"r{r}c{c}" for c in range(columns)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_shared_strings(base: bytes, *, entries: int, text: str = "x") -> bytes:
    """``base`` with a shared-string table of ``entries`` copies of ``text``, declared as Excel
    declares it and streamed into the archive: a small file that inflates to whatever size is
    asked for."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SST_TYPE}"/></Types>'.encode())
            if info.filename != SHARED_STRINGS:
                target.writestr(info.filename, content)
        with target.open(SHARED_STRINGS, "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}" count="{entries}" uniqueCount="{entries}">'.encode())
            block = f"<si><t>{text}</t></si>".encode() * 1000
            for _ in range(entries // 1000):
                part.write(block)
            part.write(b"</sst>")
    return out.getvalue()


def refusal(content: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        open_workbook(io.BytesIO(content))
    return " ".join(refused.value.messages)


def test_a_shared_string_table_past_64_mb_is_refused_before_openpyxl_reads_it():
    # 65 MiB of shared strings in a file of a few hundred KB: under the 400 MiB zip-bomb guard.
    text = "长" * 20
    entry = len(f"<si><t>{text}</t></si>".encode())
    bomb = with_shared_strings(plain_workbook(), entries=(65 * 1024 * 1024 // entry // 1000 + 1) * 1000, text=text)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with mock.patch("openpyxl.load_workbook") as load:
            message = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not load.called
    assert peak < 20 * 1024 * 1024 + len(bomb)
    assert "共享字符串" in message and "超过上限64 MB" in message


def test_the_shared_string_limit_is_a_setting(settings):
    settings.ROSTER_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    message = refusal(with_shared_strings(plain_workbook(), entries=100_000))
    assert "超过上限1.0 MB" in message


def test_more_shared_strings_than_cells_allowed_are_refused(settings):
    settings.ROSTER_MAX_CELLS = 5000
    message = refusal(with_shared_strings(plain_workbook(), entries=6000))
    assert "共享字符串超过5,000条上限" in message


def test_a_sheet_past_its_size_limit_is_refused_by_name(settings):
    settings.ROSTER_MAX_SHEET_BYTES = 10_000
    message = refusal(plain_workbook(rows=500))
    assert "工作表“农户”" in message and "超过上限" in message


def test_rows_past_the_limit_are_refused(settings):
    settings.ROSTER_MAX_ROWS = 10
    assert "超过10行上限" in refusal(plain_workbook(rows=11, columns=1))


def test_cells_past_the_limit_are_refused(settings):
    settings.ROSTER_MAX_CELLS = 20
    assert "超过20个单元格上限" in refusal(plain_workbook(rows=3, columns=7))


def test_a_workbook_at_the_limits_opens(settings):
    settings.ROSTER_MAX_ROWS, settings.ROSTER_MAX_CELLS = 10, 30
    workbook = open_workbook(io.BytesIO(plain_workbook(rows=10, columns=3)))
    assert workbook.sheetnames == ["农户"]
    workbook.close()


def test_an_import_past_the_limits_writes_nothing_and_says_why(settings, tmp_path):
    from .workbooks import write_workbook

    path = write_workbook(tmp_path / "roster.xlsx", valid_sheets())
    settings.ROSTER_MAX_ROWS = 3
    with pytest.raises(RosterRejected) as rejected:
        import_workbook(str(path), scope=EVERYTHING)
    assert [str(p) for p in rejected.value.result.problems] == ["工作簿: 工作簿超过3行上限（各工作表合计），请拆分后再导入。"]
    assert Household.objects.count() == 0
