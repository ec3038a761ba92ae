"""Reading roster workbooks: refusing what is not a workbook or too big to read safely, and
reading sheet rows fast.

The sheets are read by python-calamine (a Rust reader, through its public API), after the
checks below have measured every part of the archive: calamine holds a sheet as one dense
rectangle of cells, so a stray cell far away would make it allocate gigabytes; the checks
refuse such a sheet first (``Limits.area_cells``)."""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO, Callable
from xml.etree.ElementTree import fromstring

from django.conf import settings

from shuanglian.errors import DomainError

# A workbook whose parts inflate past this is refused before it is parsed (zip bombs).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
NOT_A_WORKBOOK = "文件不是有效的Excel工作簿（.xlsx），请用Excel另存为.xlsx后再上传。"
MIB = 1024 * 1024

WORKBOOK_PART = "xl/workbook.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
# The parts read whole before the sheets (content types, the workbook and its relationships) are
# small in any real workbook; bounding them keeps the checks below cheap too.
MAX_INDEX_PART_BYTES = 16 * MIB


@dataclass(frozen=True)
class Limits:
    """What one workbook may hold (settings ``ROSTER_MAX_*``, read at each use). openpyxl holds
    the whole shared-string table in memory, and the import holds every parsed row, so both are
    bounded before either is read; the sheets themselves are streamed."""

    shared_strings_bytes: int
    sheet_bytes: int
    rows: int
    cells: int
    # A sheet's rectangle from its first to its last cell, blank cells included: what the
    # reader allocates for it.
    area_cells: int = 300_000 * 32

    @classmethod
    def from_settings(cls) -> Limits:
        rows = settings.ROSTER_MAX_ROWS
        return cls(settings.ROSTER_MAX_SHARED_STRINGS_BYTES, settings.ROSTER_MAX_SHEET_BYTES, rows,
                   settings.ROSTER_MAX_CELLS, settings.ROSTER_MAX_AREA_CELLS)


@dataclass(frozen=True)
class WorkbookSize:
    rows: int
    cells: int
    shared_strings: int
    # Sheets that may hold error cells (#N/A, #DIV/0!…): {sheet name: part}, read again for them.
    error_sheets: dict[str, str] = field(default_factory=dict)


def _megabytes(size: int) -> str:
    return f"{size / MIB:,.0f} MB" if size >= 10 * MIB else f"{size / MIB:,.1f} MB"


class _Over(Exception):
    """Raised from inside the XML counter to stop at the first element past a limit."""


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_INDEX_PART_BYTES:
        raise DomainError(NOT_A_WORKBOOK)
    return archive.read(name)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _shared_strings_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The shared-string table, found as openpyxl finds it: by its content type."""
    if "[Content_Types].xml" not in names:
        return None
    for override in fromstring(_read_small(archive, "[Content_Types].xml")):
        if _local(override.tag) == "Override" and override.get("ContentType") == SHARED_STRINGS_TYPE:
            part = (override.get("PartName") or "").lstrip("/")
            return part if part in names else None
    return None


def _worksheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """{part: sheet name} of the workbook's worksheets, found as openpyxl finds them: the
    targets of the workbook's relationships."""
    relationships = "xl/_rels/workbook.xml.rels"
    if relationships not in names:
        return {}
    targets = {}
    for rel in fromstring(_read_small(archive, relationships)):
        if (rel.get("Type") or "").endswith("/worksheet"):
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id")] = part
    sheets = {}
    for element in fromstring(_read_small(archive, WORKBOOK_PART)).iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            part = targets.get(rel_id)
            if part in names:
                sheets[part] = element.get("name") or part
    return sheets


# An element's start tag, with any namespace prefix: counting these in the raw bytes is a regular
# expression over each chunk, many times faster than parsing, and can only overcount (a tag in a
# comment), never miss an element of well-formed XML.
_START_TAG = re.compile(rb"<(?:[^\s<>/:=\"']+:)?(row|c|si)[\s/>]")
# The same start tags of a sheet with their attributes (quoted values may hold any character but
# their quote), to find where each cell lies.
_SHEET_TAG = re.compile(rb"<(?:[^\s<>/:=\"']+:)?(row|c)(?=[\s/>])((?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)")
_REFERENCE = re.compile(rb"(?<![^\s])r\s*=\s*[\"']([A-Za-z]*)([0-9]*)")
# A cell whose first attribute is its reference (r="AB12").
_FIRST_REFERENCE = re.compile(rb"<(?:[^\s<>/:=\"']+:)?c\s+r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
# An error cell (t="e"); found anywhere in a chunk, so text that looks like one only costs a re-read.
_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")


class _Extent:
    """The rectangle from a sheet's first cell to its last, placed as a reader places them: by
    their references, or next to the cell before (a cell without one) and on the row's own
    number (or the row after the one before)."""

    def __init__(self):
        self.row = self.column = 0  # 1-based position of the current row and the last cell
        self.top = self.left = 0  # 0: no cell yet
        self.bottom = self.right = 0
        self.errors = False

    def feed(self, chunk: bytes, cells: int) -> None:
        """Place the ``cells`` cells of a chunk of the sheet's XML."""
        if not self.errors and _ERROR_TYPE.search(chunk):
            self.errors = True
        references = _FIRST_REFERENCE.findall(chunk)
        if len(references) == cells:
            # Every cell names its place first (as Excel and openpyxl write it): the extremes of
            # the references, without placing the cells one by one.
            if references:
                rows = [int(digits) for _, digits in references]
                columns = [_column_of(letters.decode("ascii")) + 1 for letters in {letters for letters, _ in references}]
                self.top = min(self.top or rows[0], min(rows))
                self.bottom = max(self.bottom, max(rows))
                self.left = min(self.left or columns[0], min(columns))
                self.right = max(self.right, max(columns))
                self.row, self.column = rows[-1], _column_of(references[-1][0].decode("ascii")) + 1
            return
        row, column = self.row, self.column
        top, left, bottom, right = self.top, self.left, self.bottom, self.right
        reference = _REFERENCE.search
        for tag, attributes in _SHEET_TAG.findall(chunk):
            place = reference(attributes) if attributes else None
            if tag == b"row":
                row = int(place[2]) if place and place[2] else row + 1
                column = 0
                continue
            if place and place[1]:
                column = _column_of(place[1].decode("ascii")) + 1
            else:
                column += 1
            if place and place[2]:
                row = int(place[2])
            if not top or row < top:
                top = row
            if row > bottom:
                bottom = row
            if not left or column < left:
                left = column
            if column > right:
                right = column
        self.row, self.column = row, column
        self.top, self.left, self.bottom, self.right = top, left, bottom, right

    @property
    def rows(self) -> int:
        return bottom - self.top + 1 if (bottom := self.bottom) else 0

    @property
    def columns(self) -> int:
        return right - self.left + 1 if (right := self.right) else 0


def _count_elements(archive: zipfile.ZipFile, part: str, limits: dict[bytes, Callable[[int], None]],
                    extent: _Extent | None = None) -> None:
    """Stream one part, counting the start tags named in ``limits`` and calling each one's
    check with its running count after every chunk: constant memory at any size, and it stops
    at the first chunk past a limit. A sheet's cells are placed into ``extent`` on the way."""
    counts = dict.fromkeys(limits, 0)
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(MIB)
            buffer = carry + chunk
            # A tag cut by the chunk's end (a "<" with no ">" after it, however long its
            # attributes) is counted with the next chunk; a tag longer than a chunk is no sheet's.
            last = buffer.rfind(b"<") if chunk else -1
            cut = last if last >= 0 and buffer.find(b">", last) < 0 else -1
            if cut >= 0 and len(buffer) - cut > MIB:
                raise DomainError(NOT_A_WORKBOOK)
            scanned, carry = (buffer, b"") if cut < 0 else (buffer[:cut], buffer[cut:])
            found = _START_TAG.findall(scanned)
            if extent is not None:
                extent.feed(scanned, found.count(b"c"))
            for name, check in limits.items():
                counts[name] += found.count(name)
                check(counts[name])
            if not chunk:
                return


def check_limits(archive: zipfile.ZipFile, limits: Limits | None = None) -> WorkbookSize:
    """Refuse, with a Chinese message naming the limit, a workbook too big to read safely,
    before any of it is parsed into memory: the declared sizes of its parts first (zipfile never
    inflates a part past its declared size), then a streaming count of its shared strings, rows
    and cells."""
    limits = limits or Limits.from_settings()
    infos = archive.infolist()
    names = {i.filename for i in infos}
    sizes = {i.filename: i.file_size for i in infos}
    if sum(sizes.values()) > MAX_UNCOMPRESSED_BYTES:
        raise DomainError("工作簿解压后过大，请拆分后再导入。")
    if WORKBOOK_PART not in names:
        raise DomainError(NOT_A_WORKBOOK)
    shared = _shared_strings_part(archive, names)
    sheets = _worksheet_parts(archive, names)
    if shared and sizes[shared] > limits.shared_strings_bytes:
        raise DomainError(f"工作簿的共享字符串表解压后为{_megabytes(sizes[shared])}，超过上限"
                          f"{_megabytes(limits.shared_strings_bytes)}，请拆分后再导入。")
    for part, sheet in sheets.items():
        if sizes[part] > limits.sheet_bytes:
            raise DomainError(f"工作表“{sheet}”解压后为{_megabytes(sizes[part])}，超过上限"
                              f"{_megabytes(limits.sheet_bytes)}，请拆分后再导入。")

    counts = {"si": 0, "row": 0, "c": 0}
    errors: dict[str, str] = {}

    def counter(kind: str, limit: int):
        def check(count: int):
            counts[kind] = count
            if count > limit:
                raise _Over(kind)
        return check

    try:
        if shared:
            # More entries than cells could ever refer to is padding, not data.
            _count_elements(archive, shared, {b"si": counter("si", limits.cells)})
        rows = cells = 0
        for part in sheets:
            # Each part's running count on top of the sheets before it: the limits are for all sheets.
            row_check, cell_check = counter("row", limits.rows), counter("c", limits.cells)
            extent = _Extent()
            try:
                _count_elements(archive, part, {b"row": lambda n, r=rows: row_check(r + n),
                                                b"c": lambda n, c=cells: cell_check(c + n)}, extent)
            except (zipfile.BadZipFile, zlib.error, EOFError):
                pass  # a damaged sheet is reported by name when it is read; what it held so far counts
            rows, cells = counts["row"], counts["c"]
            if extent.rows * extent.columns > limits.area_cells:
                raise DomainError(f"工作表“{sheets[part]}”的数据从第{extent.top:,}行到第{extent.bottom:,}行、"
                                  f"第{extent.left:,}列到第{extent.right:,}列，共{extent.rows * extent.columns:,}"
                                  f"个单元格（含空白），超过{limits.area_cells:,}个上限；"
                                  "请删除远处多余的单元格，或拆分后再导入。")
            if extent.errors:
                errors[sheets[part]] = part
    except _Over as over:
        kind = over.args[0]
        if kind == "si":
            raise DomainError(f"工作簿的共享字符串超过{limits.cells:,}条上限，请拆分后再导入。") from None
        if kind == "row":
            raise DomainError(f"工作簿超过{limits.rows:,}行上限（各工作表合计），请拆分后再导入。") from None
        raise DomainError(f"工作簿超过{limits.cells:,}个单元格上限（各工作表合计），请拆分后再导入。") from None
    return WorkbookSize(rows=counts["row"], cells=counts["c"], shared_strings=counts["si"], error_sheets=errors)


class _Progress:
    """Rows read so far of the rows the workbook holds, reported every ``every`` rows."""

    every = 2000

    def __init__(self, report: Callable[[int, int], None]):
        self.report, self.total, self.done = report, 0, 0

    def step(self) -> None:
        self.done += 1
        if self.done % self.every == 0:
            self.report(self.done, self.total)


_progress: ContextVar[_Progress | None] = ContextVar("roster_reading_progress", default=None)


@contextmanager
def reporting_progress(report: Callable[[int, int], None]):
    """Within the block, workbooks read report ``report(rows read, rows in the workbook)`` as
    their sheets are read (an import job shows it as its progress)."""
    token = _progress.set(_Progress(report))
    try:
        yield
    finally:
        _progress.reset(token)


class RosterSheet:
    """A sheet of a ``RosterWorkbook``, read when its rows are asked for (``sheet_values``)."""

    def __init__(self, workbook: RosterWorkbook, name: str):
        self.workbook, self.title = workbook, name


class RosterWorkbook:
    """An opened roster workbook: its sheet names, and its sheets by name (``workbook[name]``)."""

    def __init__(self, book, error_sheets: dict[str, str], archive_source: IO[bytes]):
        self.book = book
        self.sheetnames: list[str] = list(book.sheet_names)
        self._error_sheets = error_sheets
        self._source = archive_source

    def __getitem__(self, name: str) -> RosterSheet:
        if name not in self.sheetnames:
            raise KeyError(name)
        return RosterSheet(self, name)

    def error_cells(self, name: str) -> dict[int, dict[int, str]]:
        """{row: {column: text}} (0-based) of the sheet's error cells (#N/A…), which the sheet
        reader leaves blank; read from the sheet's XML only when the checks saw one."""
        part = self._error_sheets.get(name)
        if part is None:
            return {}
        self._source.seek(0)
        with zipfile.ZipFile(self._source) as archive, archive.open(part) as stream:
            return _error_cells(stream)

    def close(self) -> None:
        self.book.close()


def open_workbook(source: str | IO[bytes]) -> RosterWorkbook:
    """The workbook of an open binary file, read-only; DomainError for anything that is not a
    readable .xlsx or is beyond the limits of ``check_limits``. Callers open paths themselves
    and pass the file, so that a workbook is recognised by its content and not refused for its
    file name. Only .xlsx passes: the checks look for its parts before the reader (which would
    also read .xls, .xlsb and .ods) sees the file."""
    from python_calamine import CalamineWorkbook

    try:
        if hasattr(source, "seek"):
            source.seek(0)
        with zipfile.ZipFile(source) as archive:
            size = check_limits(archive)
        progress = _progress.get()
        if progress is not None:
            progress.total += size.rows
        source.seek(0)
        return RosterWorkbook(CalamineWorkbook.from_filelike(source), size.error_sheets, source)
    except DomainError:
        raise
    except Exception:  # calamine and zipfile raise many kinds for a damaged or foreign file
        raise DomainError(NOT_A_WORKBOOK) from None


def open_file(path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise DomainError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise DomainError(f"无法读取文件{path}：{exc.strerror or exc}") from None


_COLUMN_INDEX: dict[str, int] = {}
# Excel's last column is XFD: a longer reference lies beyond any sheet (and is not cached).
FAR_COLUMN = 1 << 30


def _column_of(reference: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    letters = reference.rstrip("0123456789")
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        if len(letters) > 3:
            return FAR_COLUMN
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        index = _COLUMN_INDEX[letters] = index - 1
    return index


def _error_cells(stream) -> dict[int, dict[int, str]]:
    """{row: {column: text}} (0-based) of the error cells of a sheet's XML."""
    from xml.etree.ElementTree import iterparse

    found: dict[int, dict[int, str]] = {}
    row, column = -1, -1
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if tag == "row":
            if event == "start":
                number = element.get("r")
                row, column = (int(number) - 1 if number else row + 1), -1
            else:
                element.clear()
        elif tag == "c" and event == "end":
            reference = element.get("r") or ""
            digits = len(reference) - len(reference.rstrip("0123456789"))
            column = _column_of(reference) if reference[:1].isalpha() else column + 1
            if digits:
                row = int(reference[-digits:]) - 1
            if element.get("t") == "e":
                value = next((child.text for child in element if _local(child.tag) == "v"), None)
                if value:
                    found.setdefault(row, {})[column] = value
    return found


# Whole numbers a float holds exactly: read back as int, as the cell was typed.
EXACT_INTEGER = 2.0 ** 53


def sheet_values(ws):
    """Each row's cell values as a tuple, row 1 first, missing and blank rows as empty tuples.

    Values are those openpyxl's data_only reading gives: strings (shared, inline, a formula's
    text), whole numbers as int and others as float, booleans, dates as datetime (times and
    durations as time and timedelta), a formula's cached value (None when it has none), an
    error cell as its text (#N/A); blank cells are None, and trailing blanks are left off.
    A worksheet that is not a ``RosterSheet`` (openpyxl's) is read through its own iter_rows.
    """
    if not isinstance(ws, RosterSheet):
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers record wrong dimensions, which would cut rows short
        yield from ws.iter_rows(values_only=True)
        return

    import datetime as dt

    workbook = ws.workbook
    sheet = workbook.book.get_sheet_by_name(ws.title)
    if sheet.start is None:  # no cell at all
        return
    errors = workbook.error_cells(ws.title)
    # Rows come from the first row of the sheet, columns from the first column holding a cell.
    lead = [None] * sheet.start[1]
    progress = _progress.get()
    date, datetime, exact = dt.date, dt.datetime, EXACT_INTEGER
    for number, cells in enumerate(sheet.iter_rows()):
        values = lead.copy() if lead else []
        append = values.append
        for value in cells:
            kind = value.__class__
            if kind is str:
                append(value if value else None)
            elif kind is float:
                append(int(value) if value.is_integer() and -exact < value < exact else value)
            elif kind is date:
                append(datetime(value.year, value.month, value.day))
            else:
                append(value)
        if errors and number in errors:
            for column, text in errors[number].items():
                values.extend([None] * (column + 1 - len(values)))
                values[column] = text
        while values and values[-1] is None:
            values.pop()
        if progress is not None:
            progress.step()
        yield tuple(values)
