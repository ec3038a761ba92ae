"""The audit trail: who changed what, when, before and after — a cadre's corrected visit, an
office's hand-over, a roster import — shown read-only to those allowed; exports and pages with
full ID numbers are logged."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.urls import reverse

from pairing.models import HouseholdPairing
from shuanglian.models import AccessLog
from visits.models import Visit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 16)


@pytest.fixture(autouse=True)
def clock():
    """A fixed Monday; the clock ticks, so the audit records of one test keep their order."""
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def visit_of(county, days_ago=3):
    visit = Visit.objects.create(cadre=county["cadre"], start=TODAY - timedelta(days=days_ago),
                                 end=TODAY - timedelta(days=days_ago), notes="初次登记")
    visit.households.set([county["household"]])
    return visit


def edit(client, visit, county, **changes):
    data = {"households": [county["household"].pk], "start": visit.start, "end": visit.end, "notes": visit.notes}
    data.update(changes)
    return client.post(reverse("visits-edit", args=[visit.pk]), data)


def test_a_cadre_corrects_a_visit_and_the_trail_keeps_before_and_after(client, counties):
    mine = counties["mine"]
    visit = visit_of(mine)
    client.force_login(mine["cadre"].user)
    assert edit(client, visit, mine, notes="补充：帮助联系了技术员").status_code == 302
    latest, before = visit.history.order_by("-history_id")[:2]
    assert latest.history_user == mine["cadre"].user and latest.history_type == "~"
    assert (before.notes, latest.notes) == ("初次登记", "补充：帮助联系了技术员")
    assert [c.field for c in latest.diff_against(before).changes] == ["notes"]


def test_a_cadre_cannot_correct_another_cadres_visit(client, counties):
    theirs = visit_of(counties["next"])
    client.force_login(counties["mine"]["cadre"].user)
    assert edit(client, theirs, counties["next"], notes="x").status_code == 404


def test_a_correction_beyond_the_back_dating_window_is_refused(client, counties):
    mine = counties["mine"]
    visit = visit_of(mine, days_ago=60)
    client.force_login(mine["cadre"].user)
    page = edit(client, visit, mine, notes="改")
    assert page.status_code == 200 and "只能修改" in page.text
    visit.refresh_from_db()
    assert visit.notes == "初次登记"


def test_an_office_hand_over_is_recorded_with_the_office_as_author(client, office, counties):
    mine = counties["mine"]
    successor = mine["colleague"]
    client.force_login(office)
    client.post(reverse("admin:pairing-hand-over", args=[mine["pairing"].pk]),
                {"successor": successor.pk, "on": "2025-07-01", "reason": "工作调动"})
    ended = HouseholdPairing.objects.get(pk=mine["pairing"].pk)
    assert ended.end is not None, "the hand-over did not happen"
    first, *changes = ended.history.order_by("history_id")
    assert first.end is None and changes and changes[-1].end == ended.end
    assert all(c.history_user == office and c.history_type == "~" for c in changes)
    started = HouseholdPairing.objects.get(cadre=successor)
    assert started.history.get().history_user == office


def test_a_roster_import_records_every_row_it_writes(tmp_path):
    from households.models import Household
    from shuanglian.roster.engine import import_workbook
    from shuanglian.scoping import EVERYTHING
    from tests.roster.workbooks import valid_sheets, write_workbook

    import_workbook(write_workbook(tmp_path / "r.xlsx", valid_sheets()), scope=EVERYTHING)
    assert Household.history.count() == Household.objects.count() > 0
    assert set(Household.history.values_list("history_change_reason", flat=True)) == {"花名册导入"}


def test_the_trail_is_shown_to_an_office_allowed_to_see_full_id_numbers(client, office_seeing_ids, counties):
    household = counties["mine"]["household"]
    household.head_name = "改过的名字"
    household.save()
    client.force_login(office_seeing_ids)
    page = client.get(reverse("admin:households_household_history", args=[household.pk]))
    assert page.status_code == 200 and "改过的名字" in page.text


def test_the_trail_is_hidden_from_an_office_without_that_right(client, office, counties):
    client.force_login(office)
    page = client.get(reverse("admin:households_household_history", args=[counties["mine"]["household"].pk]))
    assert page.status_code == 403


def test_the_trail_of_another_countys_record_is_not_found(client, office_seeing_ids, counties):
    client.force_login(office_seeing_ids)
    page = client.get(reverse("admin:households_household_history", args=[counties["next"]["household"].pk]))
    assert page.status_code == 404


def test_the_trail_cannot_be_reverted_from_the_admin(client, office_seeing_ids, counties):
    household = counties["mine"]["household"]
    household.head_name = "新名字"
    household.save()
    old = household.history.order_by("history_id").first()
    client.force_login(office_seeing_ids)
    url = reverse("admin:households_household_simple_history", args=[household.pk, old.history_id])
    client.post(url, {"head_name": old.head_name})
    household.refresh_from_db()
    assert household.head_name == "新名字"


def test_ballots_keep_no_trail():
    from assessments.models import Ballot, BallotCode

    assert not hasattr(Ballot._meta, "simple_history_manager_attribute")
    assert not hasattr(BallotCode._meta, "simple_history_manager_attribute")


# --- access log -------------------------------------------------------------------------------------

def test_an_export_records_who_took_it_and_when(client, office, counties):
    client.force_login(office)
    client.get(reverse("admin:roster-download"))
    log = AccessLog.objects.get(kind="export")
    assert log.user == office and log.filename.endswith(".xlsx") and not log.unmasked


def test_pages_shown_with_full_id_numbers_are_logged(client, office_seeing_ids, counties):
    client.force_login(office_seeing_ids)
    client.get(reverse("admin:households_household_changelist"))
    assert AccessLog.objects.filter(kind="view", unmasked=True, user=office_seeing_ids).exists()


def test_pages_shown_masked_are_not_logged(client, office, counties):
    client.force_login(office)
    client.get(reverse("admin:households_household_changelist"))
    assert not AccessLog.objects.exists()


def test_every_audit_trail_is_indexed_only_by_what_reads_it():
    """A trail is read by the object's key (its history page), by date and by user; an index of
    the live table's (a cadre, an ID number, an idempotency key) would only cost every save."""
    trails = [model for model in apps.get_models() if hasattr(model, "instance_type")]  # simple-history's
    assert len(trails) >= 40
    with connection.cursor() as cursor:
        for trail in trails:
            read_by = {trail._meta.pk.column, trail.instance_type._meta.pk.column, "history_date", "history_user_id"}
            constraints = connection.introspection.get_constraints(cursor, trail._meta.db_table)
            indexed = {column for c in constraints.values() if c["index"] or c["unique"] or c["primary_key"]
                       for column in c["columns"]}
            assert indexed <= read_by, f"{trail._meta.db_table}: {sorted(indexed - read_by)}"
