"""General helpers shared by the apps: batching keys for the database, sending a generated
file, keeping spreadsheet text inert, and padding an area-code prefix.

Nothing here knows an app: the apps import it, never the other way round.
"""
from __future__ import annotations

import tempfile
from typing import IO, Any, Callable, Iterable, Iterator

from django.http import FileResponse

# --- batching ------------------------------------------------------------------------------------

# Rows per bulk insert or update, and per chunk of a streamed query.
BATCH = 2000

# Keys per ``IN (...)`` list: SQLite accepts a limited number of parameters in one statement.
IN_BATCH = 5000


def in_batches(keys: Iterable, size: int = IN_BATCH) -> Iterator[list]:
    """The keys in lists of at most ``size``, in their order, for ``field__in`` lookups that every
    database accepts."""
    keys = list(keys)
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


# --- downloads -----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A generated file stays in memory up to this size and spills to disk beyond it.
SPOOL_IN_MEMORY = 20 * 1024 * 1024


def spooled_download(write: Callable[[IO[bytes]], Any], *, filename: str, content_type: str = XLSX) -> FileResponse:
    """An attachment of what ``write`` puts into a binary file: a large workbook goes through a
    temporary file rather than memory. Django encodes a Chinese ``filename`` for the browsers
    (RFC 6266 ``filename*``)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)


# --- spreadsheet text ----------------------------------------------------------------------------

# What makes a spreadsheet read a cell as a formula or a command (OWASP "CSV injection"):
# = + - @, and tab or carriage return ahead of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """A text a spreadsheet would run rather than show."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: str) -> str:
    """A text that starts like a formula gets a leading apostrophe, so it is shown, never run."""
    return "'" + value if looks_like_formula(value) else value


# --- area codes ----------------------------------------------------------------------------------

AREA_CODE_LENGTH = 12


def pad_area_code(prefix: str) -> str:
    """The full 12-digit area code of a code prefix: the prefix followed by zeros."""
    return prefix.ljust(AREA_CODE_LENGTH, "0")
