"""Reading roster workbooks: refusing what is not a workbook or too big to read safely, and
streaming sheet rows fast."""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
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

    @classmethod
    def from_settings(cls) -> Limits:
        rows = settings.ROSTER_MAX_ROWS
        return cls(settings.ROSTER_MAX_SHARED_STRINGS_BYTES, settings.ROSTER_MAX_SHEET_BYTES, rows,
                   settings.ROSTER_MAX_CELLS)


@dataclass(frozen=True)
class WorkbookSize:
    rows: int
    cells: int
    shared_strings: int


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


def _count_elements(archive: zipfile.ZipFile, part: str, limits: dict[bytes, Callable[[int], None]]) -> None:
    """Stream one part, counting the start tags named in ``limits`` and calling each one's
    check with its running count after every chunk: constant memory at any size, and it stops
    at the first chunk past a limit."""
    counts = dict.fromkeys(limits, 0)
    carry = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(MIB)
            buffer = carry + chunk
            # A tag cut by the chunk's end is counted with the next chunk.
            cut = buffer.rfind(b"<", max(0, len(buffer) - 256)) if chunk else -1
            scanned, carry = (buffer, b"") if cut < 0 else (buffer[:cut], buffer[cut:])
            found = _START_TAG.findall(scanned)
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
            try:
                _count_elements(archive, part, {b"row": lambda n, r=rows: row_check(r + n),
                                                b"c": lambda n, c=cells: cell_check(c + n)})
            except (zipfile.BadZipFile, zlib.error, EOFError):
                pass  # a damaged sheet is reported by name when it is read; what it held so far counts
            rows, cells = counts["row"], counts["c"]
    except _Over as over:
        kind = over.args[0]
        if kind == "si":
            raise DomainError(f"工作簿的共享字符串超过{limits.cells:,}条上限，请拆分后再导入。") from None
        if kind == "row":
            raise DomainError(f"工作簿超过{limits.rows:,}行上限（各工作表合计），请拆分后再导入。") from None
        raise DomainError(f"工作簿超过{limits.cells:,}个单元格上限（各工作表合计），请拆分后再导入。") from None
    return WorkbookSize(rows=counts["row"], cells=counts["c"], shared_strings=counts["si"])


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


def open_workbook(source: str | IO[bytes]):
    """The workbook of an open binary file, read-only; DomainError for anything that is not a
    readable .xlsx or is beyond the limits of ``check_limits``. Callers open paths themselves
    and pass the file, so that a workbook is recognised by its content and not refused for its
    file name (openpyxl checks the extensions of paths)."""
    from openpyxl import load_workbook

    try:
        if hasattr(source, "seek"):
            source.seek(0)
        with zipfile.ZipFile(source) as archive:
            size = check_limits(archive)
        progress = _progress.get()
        if progress is not None:
            progress.total += size.rows
        source.seek(0)
        return load_workbook(source, read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds for a damaged or foreign file
        raise DomainError(NOT_A_WORKBOOK) from None


def open_file(path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise DomainError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise DomainError(f"无法读取文件{path}：{exc.strerror or exc}") from None


_COLUMN_INDEX: dict[str, int] = {}


def _column_of(reference: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    letters = reference.rstrip("0123456789")
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        index = _COLUMN_INDEX[letters] = index - 1
    return index


def sheet_values(ws):
    """Each row's cell values as a tuple, row 1 first, missing rows as empty tuples.

    openpyxl's own reader builds an object per inline string and spends most of an import's
    time there; this streams the sheet's XML directly (values as openpyxl's data_only
    reading gives them: shared and inline strings, numbers, booleans, dates by cell style).
    Any worksheet that is not openpyxl's read-only kind is read through openpyxl.
    """
    try:
        shared, workbook, open_source = ws._shared_strings, ws.parent, ws._get_source
        date_styles, timedelta_styles, epoch = workbook._date_formats, workbook._timedelta_formats, workbook.epoch
    except AttributeError:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers record wrong dimensions, which would cut rows short
        yield from ws.iter_rows(values_only=True)
        return

    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.datetime import from_excel, from_ISO8601

    progress = _progress.get()
    with open_source() as source:
        expected, ROW = 1, None
        for _, element in iterparse(source):
            tag = element.tag
            if ROW is None:  # the namespace is learnt from the first row
                if _local(tag) != "row":
                    continue
                ns = tag[: -len("row")]
                ROW, C, V, IS, T, R = (ns + name for name in ("row", "c", "v", "is", "t", "r"))
            elif tag != ROW:
                continue
            number = int(element.get("r") or expected)
            while expected < number:
                yield ()
                expected += 1
            values: list = []
            column = -1
            for cell in element.iterfind(C):
                reference = cell.get("r")
                column = _column_of(reference) if reference else column + 1
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    inline = cell.find(IS)
                    if inline is None:
                        continue
                    value = inline.findtext(T)
                    if value is None or inline.find(R) is not None:  # rich text: the runs' texts, no phonetics
                        value = (inline.findtext(T) or "") + "".join(run.findtext(T) or "" for run in inline.iterfind(R))
                else:
                    raw = cell.findtext(V)
                    if not raw:  # no value, or a formula never calculated (<v/>)
                        continue
                    if kind == "n":
                        value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                        style = cell.get("s")
                        if style and int(style) in date_styles:
                            try:
                                value = from_excel(value, epoch, timedelta=int(style) in timedelta_styles)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif kind == "s":
                        value = shared[int(raw)]
                    elif kind == "b":
                        value = bool(int(raw))
                    elif kind == "d":
                        value = from_ISO8601(raw)
                    else:  # "str" (a formula's text), "e" (an error such as #N/A)
                        value = raw
                if column >= len(values):
                    values.extend([None] * (column + 1 - len(values)))
                values[column] = value
            element.clear()
            if progress is not None:
                progress.step()
            yield tuple(values)
            expected = number + 1
