"""The roster workbook: reading, validating and writing it (docs/roster-format.md).

Import runs in two phases. *Plan*: every sheet is parsed and checked in memory against the
file and the database (looked up in bulk, never a query per row); each handler records what it
would create or change. If anything is wrong, nothing is written and every problem is returned
as ``SHEET!ROW: message``. *Apply*: all sheets are written in one transaction with bulk inserts
and updates. Rows are matched on their key columns, so importing the same file again changes
nothing.

Each app contributes its sheets as ``SheetHandler`` subclasses registered in its AppConfig.
"""
from __future__ import annotations

import functools
import gc
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable

from django.db import connections, transaction
from django.db.models import F, Lookup
from django.utils import timezone, translation

from shuanglian import freshness
from shuanglian.errors import DomainError
from shuanglian.helpers import BATCH, in_batches, looks_like_formula, pad_area_code
from shuanglian.scoping import Scope, governs_area, mask_id_number, mask_phone, may_change, sees_full_numbers

from . import cells
from .reader import open_file, open_workbook, sheet_values


@dataclass(frozen=True)
class Column:
    header: str
    parse: Callable[[Any], Any]
    required: bool = False


@dataclass
class Row:
    number: int  # the Excel row number
    values: dict[str, Any]

    def __getitem__(self, header: str) -> Any:
        return self.values.get(header)


@dataclass
class Problem:
    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row}: {self.message}" if self.row is not None else f"{self.sheet}: {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class RosterRejected(Exception):
    """The workbook has problems; nothing was written."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{len(result.problems)} problems")
        self.result = result


class ImportContext:
    """What one import knows: the scope of who imports, the problems found so far and the
    objects each sheet plans (existing or new), shared so later sheets can refer to them."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.today = timezone.localdate()
        self.problems: list[Problem] = []
        self.notices: list[str] = []
        self.plans: dict[str, Any] = {}
        # Keyed registries shared across sheets: code/ID/number → model instance (saved or not).
        self.areas: dict[str, Any] = {}
        self.units: dict[str, Any] = {}
        self.cadres: dict[str, Any] = {}
        self.households: dict[str, Any] = {}
        self._governed: dict[str, bool] = {}

    def error(self, sheet: str, row: int | None, message: str) -> None:
        self.problems.append(Problem(sheet, row, message))

    def in_scope(self, area_code: str) -> bool:
        # Asked once per row, of a few thousand villages: answered once per village.
        governed = self._governed.get(area_code)
        if governed is None:
            governed = self._governed[area_code] = governs_area(self.scope, area_code)
        return governed


class SheetHandler:
    """One sheet of the roster. Subclasses declare columns and key, and implement plan/apply/export."""

    name: str = ""
    order: int = 0
    columns: list[Column] = []
    # Sheets of many rows insert them with COPY on PostgreSQL (``audit.copy_create``).
    copy_creates: bool = False

    def __init__(self, ctx: ImportContext | None = None):
        self.ctx = ctx
        self.counts = Counts()

    # --- import ---
    def plan(self, rows: list[Row]) -> None:  # pragma: no cover - each sheet implements it
        raise NotImplementedError

    def apply(self) -> Counts:  # pragma: no cover
        raise NotImplementedError

    def error(self, row: Row | int | None, message: str) -> None:
        self.ctx.error(self.name, row.number if isinstance(row, Row) else row, message)

    def unique_rows(self, rows: list[Row], key: Callable[[Row], Any]) -> list[Row]:
        """Rows whose key is not repeated; repeats are problems naming the first row."""
        seen: dict[Any, int] = {}
        unique = []
        for row in rows:
            k = key(row)
            if k in seen:
                self.error(row, f"与第{seen[k]}行重复。")
                continue
            seen[k] = row.number
            unique.append(row)
        return unique

    def upsert(self, existing, new: Callable[[dict[str, Any]], Any], values: dict[str, Any], creates: list, updates: list):
        """Plan one keyed row: a new instance, an update of changed fields, or nothing. ``new``
        builds the new instance from the values (``Model(key=…, **values)``): the model's
        constructor takes them faster than it fills in defaults to be set again one by one."""
        if existing is None:
            obj = new(values)
            creates.append(obj)
            return obj
        changed = [n for n, v in values.items() if getattr(existing, n) != v]
        for name in changed:
            setattr(existing, name, values[name])
        if changed:
            updates.append(existing)
        else:
            self.counts.unchanged += 1
        return existing

    def write_planned(self, model, fields: list[str]) -> Counts:
        """Apply the planned rows of a sheet whose plan fills ``creates`` and ``updates``: bulk
        inserts and bulk updates of ``fields``, with their history."""
        from shuanglian import audit

        if self.copy_creates:
            audit.copy_create(model, self.creates)
        else:
            audit.bulk_create(model, self.creates, batch_size=BATCH)
        audit.bulk_update(model, self.updates, fields, batch_size=BATCH)
        self.counts.created, self.counts.updated = len(self.creates), len(self.updates)
        return self.counts

    # --- export ---
    id_headers: tuple[str, ...] = ()  # columns holding ID numbers, masked for roles without the right
    phone_headers: tuple[str, ...] = ()  # columns holding mobile numbers, masked likewise

    def export_queryset(self, scope: Scope, area_code: str | None):  # pragma: no cover
        raise NotImplementedError

    def export_rows(self, queryset) -> Iterable[list]:  # pragma: no cover
        raise NotImplementedError

    def visible_rows(self, queryset, scope: Scope) -> Iterable[list]:
        """The sheet's rows for a scoped queryset, ID and mobile numbers masked unless the scope allows them."""
        rows = self.export_rows(queryset)
        if sees_full_numbers(scope) or not (self.id_headers or self.phone_headers):
            yield from rows
            return
        masks = [(i, mask_id_number if h in self.id_headers else mask_phone) for i, h in enumerate(self.headers)
                 if h in self.id_headers or h in self.phone_headers]
        for values in rows:
            for i, mask in masks:
                if values[i]:
                    values[i] = mask(values[i])
            yield values

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


_handlers: list[type[SheetHandler]] = []


def register(handler: type[SheetHandler]) -> type[SheetHandler]:
    if handler not in _handlers:
        _handlers.append(handler)
        _handlers.sort(key=lambda h: h.order)
    return handler


def handlers() -> list[type[SheetHandler]]:
    return list(_handlers)


class EqualsAny(Lookup):
    """``column = ANY(%s)`` with the keys as one array parameter: a province's 20,000 ID numbers
    in one statement that Django need not compile key by key, as it does an ``IN`` list."""

    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def bulk_lookup(queryset, field_name: str, keys: Iterable) -> dict:
    """{key: object} for the keys that exist: one array on PostgreSQL, elsewhere in batches that
    every database accepts."""
    keys = set(keys)
    if not keys:
        return {}
    if connections[queryset.db].vendor == "postgresql":
        batches = [queryset.filter(EqualsAny(F(field_name), list(keys)))]
    else:
        batches = (queryset.filter(**{f"{field_name}__in": batch}) for batch in in_batches(keys))
    found = {}
    for batch in batches:
        found.update({getattr(o, field_name): o for o in batch})
    return found


def cached_lookup(cache: dict, queryset, field_name: str, keys: Iterable) -> dict:
    """``cache`` (an import's registry shared by its sheets) completed with the keys it lacks,
    looked up in bulk."""
    missing = set(keys) - set(cache)
    cache.update(bulk_lookup(queryset, field_name, missing))
    return cache


# --- reading ---------------------------------------------------------------------------------

def _read_sheet(ws, handler: type[SheetHandler], ctx: ImportContext) -> list[Row]:
    name = handler.name
    rows = sheet_values(ws)
    header_cells = next(rows, None)
    if header_cells is None:
        return []
    headers = {}
    for index, value in enumerate(header_cells):
        label = str(int(value) if isinstance(value, float) and value.is_integer() else value) if isinstance(value, (str, int, float)) else ""
        label = label.replace("*", "").replace("＊", "").strip()
        if label and label not in headers:
            headers[label] = index
    missing = [c.header for c in handler.columns if c.required and c.header not in headers]
    if missing:
        if not headers and not any(raw and not all(cells.is_blank(v) for v in raw) for raw in rows):
            return []  # an empty sheet: nothing of that kind
        ctx.error(name, 1, f"缺少必填列：{'、'.join(missing)}（第1行应为表头）。")
        return []
    present = [(column.header, column.parse, column.required, headers[column.header])
               for column in handler.columns if column.header in headers]
    width = max(index for *_, index in present) + 1
    parsed_rows = []
    for number, raw in enumerate(rows, start=2):
        if not raw or (not any(raw) and all(cells.is_blank(v) for v in raw)):
            continue
        if len(raw) < width:
            raw = tuple(raw) + (None,) * (width - len(raw))
        values, row_ok = {}, True
        for header, parse, required, index in present:
            value = raw[index]
            if value is None or (value.__class__ is str and not value.strip()):
                if required:
                    ctx.error(name, number, f"“{header}”不能为空。")
                    row_ok = False
                values[header] = None
                continue
            try:
                values[header] = parse(value)
            except DomainError as exc:
                ctx.error(name, number, f"{header}：{' '.join(exc.messages)}")
                row_ok = False
        if row_ok:
            parsed_rows.append(Row(number, values))
    return parsed_rows


def in_roster_language(function):
    """Run with translation off: the roster's words (choice labels, messages) are the Chinese
    source texts of the contract, whatever language the user's interface is in."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(None):
            return function(*args, **kwargs)

    return wrapper


# Allocations between two runs of the cyclic collector during an import (Python's default: 700).
IMPORT_COLLECTOR_THRESHOLD = 200_000


@contextmanager
def collector_eased():
    """Python's cyclic garbage collector run far less often for the block. An import makes
    hundreds of thousands of objects that live until it ends (rows, planned records, their texts
    for COPY): run every 700 allocations, the collector walked all of them again and again, a
    tenth of the import's time, to free almost nothing. It still runs now and then, so the
    cycles an import does leave behind (each refused cell's error, with its traceback) are freed
    on the way. The usual rhythm comes back when the last import of the process ends (imports
    may run at once on the threads of one process)."""
    global _easing
    with _easing_lock:
        if _easing == 0:
            _usual[:] = gc.get_threshold()
            gc.set_threshold(max(_usual[0], IMPORT_COLLECTOR_THRESHOLD), *_usual[1:])
        _easing += 1
    try:
        yield
    finally:
        with _easing_lock:
            _easing -= 1
            if _easing == 0:
                gc.set_threshold(*_usual)


_easing_lock = threading.Lock()
_easing = 0  # blocks under way in this process
_usual: list[int] = []  # the threshold before the first of them


@in_roster_language
@collector_eased()
def validate_workbook(source: str | IO[bytes], *, scope: Scope) -> tuple[ImportContext, list[SheetHandler]]:
    ctx = ImportContext(scope)
    if not may_change(scope):
        ctx.error("工作簿", None, "您的角色只能查看，不能导入花名册。")
        return ctx, []
    with ExitStack() as stack:
        try:
            if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
                source = stack.enter_context(open_file(source))
            workbook = open_workbook(source)
        except DomainError as exc:
            ctx.error("工作簿", None, " ".join(exc.messages))
            return ctx, []
        stack.callback(workbook.close)
        known_names = {h.name for h in _handlers}
        for sheet_name in workbook.sheetnames:
            if sheet_name not in known_names:
                ctx.notices.append(f"工作表“{sheet_name}”不在花名册格式之内，已忽略。")
        if not known_names & set(workbook.sheetnames):
            ctx.error("工作簿", None, f"工作簿中没有花名册工作表，工作表应命名为：{'、'.join(h.name for h in _handlers)}。")
            return ctx, []
        sheets = {}
        for handler_class in _handlers:
            if handler_class.name in workbook.sheetnames:
                try:
                    sheets[handler_class.name] = _read_sheet(workbook[handler_class.name], handler_class, ctx)
                except Exception:  # damaged sheet XML surfaces only while its rows are read
                    ctx.error(handler_class.name, None, "工作表已损坏，无法读取，请用Excel另存为.xlsx后再导入。")
    active = []
    for handler_class in _handlers:
        handler = handler_class(ctx)
        handler.plan(sheets.get(handler.name, []))
        active.append(handler)
    return ctx, active


@in_roster_language
@collector_eased()
def import_workbook(source: str | IO[bytes], *, scope: Scope) -> ImportResult:
    """Validate the whole workbook, then write all of it or none of it.

    Raises RosterRejected (carrying every problem) when anything is wrong.
    """
    ctx, active = validate_workbook(source, scope=scope)
    result = ImportResult(problems=ctx.problems, notices=ctx.notices)
    if ctx.problems:
        raise RosterRejected(result)
    with transaction.atomic():
        for handler in active:
            result.counts[handler.name] = handler.apply()
        if any(c.created or c.updated for c in result.counts.values()):
            # The sheets' rows need not name a village (units, cadres, thresholds): the figures of
            # every area the importer governs, once, when the import commits.
            freshness.touch_subtree(pad_area_code(scope.area_prefix) if scope.area_prefix and not scope.everything else None)
    return result


# --- writing ---------------------------------------------------------------------------------

@in_roster_language
def export_workbook(out: str | IO[bytes], *, scope: Scope, area_code: str | None = None) -> dict[str, int]:
    """Write the roster of a scope (optionally one area's subtree) in the import format.

    Rows are streamed into a write-only workbook, so memory stays flat at any size.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    written = {}
    for handler_class in _handlers:
        handler = handler_class()
        ws = workbook.create_sheet(handler.name)
        ws.freeze_panes = "A2"
        header = []
        for title in handler.headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        count = 0
        for values in handler.visible_rows(handler.export_queryset(scope, area_code), scope):
            ws.append([export_cell(ws, v) for v in values])
            count += 1
        written[handler.name] = count
    workbook.save(out)
    return written


def export_cell(ws, value):
    import datetime as dt

    from django.utils.functional import Promise
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Promise):  # a choice label: lazy translation text
        value = str(value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if looks_like_formula(value):
        # A leading formula character would make a spreadsheet run the text; keep it inert.
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value
