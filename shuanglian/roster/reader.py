"""Reading roster workbooks: refusing what is not a workbook, and streaming sheet rows fast."""
from __future__ import annotations

import zipfile
from typing import IO

from shuanglian.errors import DomainError

# A workbook whose parts inflate past this is refused before it is parsed (zip bombs).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
NOT_A_WORKBOOK = "文件不是有效的Excel工作簿（.xlsx），请用Excel另存为.xlsx后再上传。"


def open_workbook(source: str | IO[bytes]):
    """The workbook of an open binary file, read-only; DomainError for anything that is not a
    readable .xlsx. Callers open paths themselves and pass the file, so that a workbook is
    recognised by its content and not refused for its file name (openpyxl checks the
    extensions of paths)."""
    from openpyxl import load_workbook

    try:
        if hasattr(source, "seek"):
            source.seek(0)
        with zipfile.ZipFile(source) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise DomainError("工作簿解压后过大，请拆分后再导入。")
            if "xl/workbook.xml" not in archive.namelist():
                raise DomainError(NOT_A_WORKBOOK)
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


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


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
            yield tuple(values)
            expected = number + 1
