"""The demo county's own roster: after ``seed_demo``, ``export_roster`` writes a workbook that
``import_roster`` takes back, into the same database (everything unchanged) and into an empty
one (the same roster again). The demo is built relative to today, so the clock is frozen, once
in the middle of a month and once on its first day; the demo is seeded and exported once for
each day (tests/seeded.py)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from assessments.models import Tally
from households.models import Household
from tests.seeded import demo_seeded_for_module
from visits.models import UnitVisit, Visit
from visits.roster import one_trip

from .conftest import run_command
from .dbstate import canonical_dump

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("households", "pairing", "visits", "identification", "planning", "assessments", "papers", "discipline",
                "publicity", "reports", "shuanglian")
MID_MONTH, FIRST_OF_MONTH = dt.date(2026, 6, 15), dt.date(2026, 7, 1)


@dataclass(frozen=True)
class Exported:
    path: Path  # the demo's roster as export_roster wrote it
    written: dict[str, int]  # rows written per sheet
    kept: dict  # primary keys per model from before the demo (the migrations' defaults)


def export(path) -> dict[str, int]:
    """Export the roster; returns the rows written per sheet."""
    run = run_command("export_roster", "-o", str(path))
    assert run.code == 0, run.out + run.err
    return {m[1]: int(m[2]) for line in run.lines if (m := re.fullmatch(r"(\S+)：(\d+) 行", line.strip()))}


def counts(run) -> dict[str, tuple[int, int, int]]:
    """{sheet: (created, updated, unchanged)} from import_roster's output."""
    found = {}
    for line in run.lines:
        if m := re.fullmatch(r"(\S+)：新增 (\d+)，更新 (\d+)，未变 (\d+)", line.strip()):
            found[m[1]] = tuple(map(int, m.groups()[1:]))
    return found


def roster_state() -> dict:
    """Everything the roster carries, by natural keys: a cadre's trip as the roster sees it."""
    trips = {}
    for visit in Visit.objects.select_related("cadre").prefetch_related("households").order_by("pk"):
        trips.setdefault((visit.cadre.id_number, visit.start, visit.end), []).append(visit)
    return {
        **canonical_dump(),
        "trips": sorted((key, sorted(one_trip(group).items())) for key, group in trips.items()),
        "unit_trips": sorted(UnitVisit.objects.values_list("unit__code", "village_id", "start", "end",
                                                            "leader__id_number", "people", "notes")),
        "tallies": sorted(Tally.objects.values_list("round__year", "direction", "unit__code", "cadre__id_number",
                                                    "satisfied", "basic", "unsatisfied"), key=str),
    }


def project_models() -> list:
    """The project's tables, their history included, and the accounts."""
    found = [m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()]
    return [*found, get_user_model()]


def delete_everything_but(kept: dict) -> None:
    """Delete every row that was not there before the demo (migrations' defaults stay).

    One DELETE a table (and two a table of links), the foreign keys checked once at the end, so
    the order of the tables does not matter (they are deferred until then):
    the ORM's delete collects every related row in Python first, minutes for the demo county.
    The accounts go last through the ORM, which also clears what Django's own apps keep of them."""
    qn = connection.ops.quote_name
    users = get_user_model()

    def delete(table: str, column: str, keep: list) -> None:
        where = f" WHERE {qn(column)} NOT IN ({', '.join(['%s'] * len(keep))})" if keep else ""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {qn(table)}{where}", keep)

    with transaction.atomic():
        for model in project_models():
            if model is users:
                continue
            for field in links(model):  # a link goes with either end (some have no database key)
                through = field.remote_field.through._meta.db_table
                delete(through, field.m2m_column_name(), kept[model])
                if field.related_model in kept:
                    delete(through, field.m2m_reverse_name(), kept[field.related_model])
            delete(model._meta.db_table, model._meta.pk.column, kept[model])
        users.objects.exclude(pk__in=kept[users]).delete()
        connection.check_constraints()  # no row left pointing at a deleted one
    left = [m.__name__ for m in project_models() if m.objects.exclude(pk__in=kept[m]).exists()]
    left += [f"{m.__name__}.{f.name}" for m in project_models() for f in links(m)
             if f.remote_field.through.objects.exclude(**{f"{f.m2m_field_name()}__in": kept[m]}).exists()]
    assert not left, f"could not empty {sorted(left)}"


def links(model) -> list:
    """The model's many-to-many fields whose table of links Django made."""
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


@pytest.fixture(scope="module")
def exported(request, django_db_setup, django_db_blocker, tmp_path_factory) -> Exported:
    """The demo seeded and exported once for the module on the day given (indirectly), the clock
    stopped there for the tests that read it (tests/seeded.py)."""
    today = request.param
    with django_db_blocker.unblock():
        kept = {model: list(model.objects.values_list("pk", flat=True)) for model in project_models()}
    path = tmp_path_factory.mktemp("demo-roster") / "demo.xlsx"
    moment = dt.datetime.combine(today, dt.time(10), ZoneInfo("Asia/Shanghai"))
    with demo_seeded_for_module(django_db_blocker, moment):
        yield Exported(path=path, written=export(path), kept=kept)


@pytest.mark.parametrize("exported", [MID_MONTH, FIRST_OF_MONTH], ids=str, indirect=True)
def test_the_demo_roster_imports_into_the_same_database_unchanged(exported):
    run = run_command("import_roster", str(exported.path))
    assert run.code == 0, run.out + run.err
    found = counts(run)
    assert {"评议", "走访", "单位进村", "联户"} <= set(found)
    assert {sheet: n[:2] for sheet, n in found.items() if n[:2] != (0, 0)} == {}


@pytest.mark.parametrize("exported", [FIRST_OF_MONTH], ids=str, indirect=True)
def test_the_demo_roster_imports_into_an_empty_database(exported):
    before = roster_state()
    delete_everything_but(exported.kept)
    assert not Household.objects.exists() and not Visit.objects.exists()
    run = run_command("import_roster", str(exported.path))
    assert run.code == 0, run.out + run.err
    assert {sheet: created for sheet, (created, _, _) in counts(run).items()} == exported.written
    assert roster_state() == before


PROJECT_APPS = (*PROJECT_APPS, "discipline")  # the demo's complaint, inspection and talk are emptied too
