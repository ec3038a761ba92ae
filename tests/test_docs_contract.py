"""docs/roster-format.md tells the truth: its sheets, commands, options and CSV headers are the
ones the code has, and whatever it marks (planned) does not exist yet.

The file is parsed, not copied: when a sheet or a command is implemented, this test fails until
the document drops its "(planned)" mark, and when the code drifts from the contract it fails
until one of them is put right.
"""
from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from shuanglian.roster import engine
from shuanglian.scoping import EVERYTHING

DOC = Path(__file__).resolve().parent.parent / "docs" / "roster-format.md"
PLANNED = "(planned)"
# Sample values for the placeholders of a synopsis.
PLACEHOLDERS = {"YYYY": "2025", "CODE": "620502000000", "FILE.xlsx": "roster.xlsx", "FILE": "out.xlsx"}


def section(text: str, title: str) -> str:
    """The body of a '## title' or '### title' section, up to the next heading of its level or above."""
    match = re.search(rf"^(#+) {re.escape(title)}\s*$", text, re.MULTILINE)
    assert match, f"docs/roster-format.md has no section '{title}'"
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def table_rows(body: str) -> list[list[str]]:
    """The data rows of the first Markdown table in a section, as stripped cells."""
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    planned: bool


@dataclass(frozen=True)
class Synopsis:
    command: str
    text: str
    planned: bool


@dataclass(frozen=True)
class Header:
    command: str
    args: tuple[str, ...]
    header: str
    planned: bool


def _name(cell: str) -> tuple[str, bool]:
    planned = PLANNED in cell
    return cell.replace(PLANNED, "").strip(), planned


def _code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]*)`", cell.strip())
    assert match, f"expected one code span, got {cell!r}"
    return match.group(1)


def documented_sheets() -> list[Sheet]:
    sheets = []
    for name_cell, columns_cell, _key in table_rows(section(DOC.read_text(encoding="utf-8"), "Sheets")):
        name, planned = _name(name_cell)
        columns = [c.strip() for c in columns_cell.split(",")]
        names = tuple(c.strip("*") for c in columns)
        required = frozenset(c.strip("*") for c in columns if c.startswith("**") and c.endswith("**"))
        sheets.append(Sheet(name, names, required, planned))
    return sheets


def documented_synopses() -> list[Synopsis]:
    body = section(DOC.read_text(encoding="utf-8"), "Commands")
    body = body.split("\n### ", 1)[0]  # the list of commands, before its subsections
    found = []
    for line in body.splitlines():
        match = re.match(r"- `([^`]+)`(.*)", line)
        if match:
            text = match.group(1)
            found.append(Synopsis(text.split()[0], text, PLANNED in match.group(2).split("—")[0]))
    return found


def documented_headers() -> list[Header]:
    rows = []
    for command_cell, args_cell, header_cell in table_rows(section(DOC.read_text(encoding="utf-8"), "CSV headers")):
        command, planned = _name(command_cell)
        rows.append(Header(command, tuple(_code(args_cell).split()), _code(header_cell), planned))
    return rows


def parser_for(command: str):
    return load_command_class(get_commands()[command], command).create_parser("manage.py", command)


def accepts(command: str, argv: list[str]) -> bool:
    try:
        parser_for(command).parse_args(argv)
    except (CommandError, SystemExit):
        return False
    return True


def synopsis_groups(text: str) -> list[tuple[bool, list[list[str]]]]:
    """A synopsis as (optional?, tokens) groups, each token a list of its alternatives, with
    placeholders replaced by sample values."""
    groups = []
    for optional, plain in re.findall(r"\[([^\]]+)\]|([^\s\[\]]+)", text.split(None, 1)[1] if " " in text else ""):
        words = (optional or plain).split()
        tokens = [[PLACEHOLDERS.get(alt, alt) for alt in word.split("|")] for word in words]
        groups.append((bool(optional), tokens))
    return groups


def argv_variants(groups) -> list[list[str]]:
    """The full command line with every alternative of every token tried at least once."""
    width = max([len(alts) for _, tokens in groups for alts in tokens] or [1])
    return [[alts[min(i, len(alts) - 1)] for _, tokens in groups for alts in tokens] for i in range(width)]


# --- the document itself ----------------------------------------------------------------------------------

def test_the_document_lists_sheets_commands_and_headers():
    assert len(documented_sheets()) >= 12
    assert {s.command for s in documented_synopses()} >= {"import_roster", "export_roster", "compliance"}
    assert documented_headers()


# --- sheets -----------------------------------------------------------------------------------------------

IMPLEMENTED_SHEETS = [s for s in documented_sheets() if not s.planned]
PLANNED_SHEETS = [s for s in documented_sheets() if s.planned]


@pytest.mark.parametrize("sheet", IMPLEMENTED_SHEETS, ids=lambda s: s.name)
def test_a_documented_sheet_is_read_with_the_same_columns(sheet):
    handler = {h.name: h for h in engine.handlers()}.get(sheet.name)
    assert handler is not None, f"the roster engine does not read sheet {sheet.name}"
    assert {c.header for c in handler.columns} == set(sheet.columns)
    assert {c.header for c in handler.columns if c.required} == sheet.required


@pytest.mark.parametrize("sheet", PLANNED_SHEETS, ids=lambda s: s.name)
def test_a_planned_sheet_is_not_read_yet(sheet):
    assert sheet.name not in {h.name for h in engine.handlers()}, (
        f"sheet {sheet.name} is implemented: remove its (planned) mark in docs/roster-format.md")


def test_every_sheet_the_engine_reads_is_documented():
    assert {h.name for h in engine.handlers()} <= {s.name for s in IMPLEMENTED_SHEETS}


@pytest.mark.django_db
def test_a_workbook_of_the_documented_headers_imports_without_notices():
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in IMPLEMENTED_SHEETS:
        workbook.create_sheet(sheet.name).append(list(sheet.columns))
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    ctx, _handlers = engine.validate_workbook(data, scope=EVERYTHING)
    assert (ctx.problems, ctx.notices) == ([], [])


@pytest.mark.django_db
@pytest.mark.parametrize("sheet", [s for s in IMPLEMENTED_SHEETS if s.required], ids=lambda s: s.name)
def test_a_missing_required_column_is_a_problem(sheet):
    missing = sorted(sheet.required)[0]
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.name
    ws.append([c for c in sheet.columns if c != missing])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    ctx, _handlers = engine.validate_workbook(data, scope=EVERYTHING)
    assert any(p.sheet == sheet.name and missing in p.message for p in ctx.problems)


@pytest.mark.django_db
def test_the_export_writes_the_documented_sheets_with_their_headers():
    data = io.BytesIO()
    engine.export_workbook(data, scope=EVERYTHING)
    data.seek(0)
    workbook = load_workbook(data, read_only=True)
    assert set(workbook.sheetnames) == {s.name for s in IMPLEMENTED_SHEETS}
    for sheet in IMPLEMENTED_SHEETS:
        header = next(workbook[sheet.name].iter_rows(min_row=1, max_row=1, values_only=True))
        assert set(header) == set(sheet.columns), sheet.name


# --- commands ---------------------------------------------------------------------------------------------

IMPLEMENTED_SYNOPSES = [s for s in documented_synopses() if not s.planned]
PLANNED_SYNOPSES = [s for s in documented_synopses() if s.planned]


@pytest.mark.parametrize("synopsis", IMPLEMENTED_SYNOPSES, ids=lambda s: s.text)
def test_a_documented_command_accepts_its_options(synopsis):
    assert synopsis.command in get_commands(), f"there is no command {synopsis.command}"
    groups = synopsis_groups(synopsis.text)
    for argv in argv_variants(groups):
        assert accepts(synopsis.command, argv), f"{synopsis.command} refuses {' '.join(argv)}"
    bare = [alts[0] for optional, tokens in groups if not optional for alts in tokens]
    assert accepts(synopsis.command, bare), f"{synopsis.command} refuses {' '.join(bare)}: an option shown optional is not"


def required_parts(groups) -> list[tuple[int, int]]:
    """Index ranges of the groups that are required: an option with its value, or a positional."""
    parts, i = [], 0
    while i < len(groups):
        optional, tokens = groups[i]
        if optional:
            i += 1
            continue
        stop = i + 1
        if tokens[0][0].startswith("-") and stop < len(groups) and not groups[stop][0] \
                and not groups[stop][1][0][0].startswith("-"):
            stop += 1  # the option's value
        parts.append((i, stop))
        i = stop
    return parts


@pytest.mark.parametrize("synopsis", IMPLEMENTED_SYNOPSES, ids=lambda s: s.text)
def test_a_documented_command_requires_what_is_not_optional(synopsis):
    groups = synopsis_groups(synopsis.text)
    for start, stop in required_parts(groups):
        argv = [alts[0] for i, (_, tokens) in enumerate(groups) if not start <= i < stop for alts in tokens]
        assert not accepts(synopsis.command, argv), (
            f"{synopsis.command} accepts {' '.join(argv)}, without {groups[start][1][0][0]}")


@pytest.mark.parametrize("synopsis", PLANNED_SYNOPSES, ids=lambda s: s.text)
def test_a_planned_command_line_does_not_work_yet(synopsis):
    if synopsis.command not in get_commands():
        return
    groups = synopsis_groups(synopsis.text)
    assert not all(accepts(synopsis.command, argv) for argv in argv_variants(groups)), (
        f"'{synopsis.text}' works: remove its (planned) mark in docs/roster-format.md")


def test_every_documented_command_with_a_header_is_in_the_command_list():
    listed = {s.command for s in documented_synopses()}
    assert {h.command for h in documented_headers()} <= listed


@pytest.mark.django_db
@pytest.mark.parametrize("row", [h for h in documented_headers() if not h.planned], ids=lambda h: " ".join((h.command, *h.args)))
def test_a_csv_command_prints_the_documented_header(row):
    out = io.StringIO()
    call_command(row.command, *row.args, stdout=out)
    assert out.getvalue().splitlines()[0] == row.header


@pytest.mark.parametrize("row", [h for h in documented_headers() if h.planned], ids=lambda h: " ".join((h.command, *h.args)))
def test_a_planned_csv_is_not_printed_yet(row):
    assert row.command not in get_commands() or not accepts(row.command, list(row.args)), (
        f"'{row.command} {' '.join(row.args)}' works: remove its (planned) mark in docs/roster-format.md")


def test_no_planned_command_exists_unless_only_some_of_its_lines_are_planned():
    implemented = {s.command for s in IMPLEMENTED_SYNOPSES}
    for name in {s.command for s in PLANNED_SYNOPSES} - implemented:
        assert name not in get_commands(), f"{name} exists: remove its (planned) mark in docs/roster-format.md"


def test_placeholders_cover_every_synopsis():
    """Every upper-case word of a synopsis is a placeholder the tests know how to fill."""
    words = set(itertools.chain.from_iterable(re.findall(r"\b[A-Z][A-Z.a-z]*\b", s.text) for s in documented_synopses()))
    assert words <= set(PLACEHOLDERS)
