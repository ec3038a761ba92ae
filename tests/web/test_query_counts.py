"""Every page asks the database the same number of times however many rows it shows: the guard
against a query per row (N+1). Each test opens a page over a small world, grows the world to
four times its rows (households, cadres, units, villages, visits, demands, deeds, tallies,
reports, submissions…), opens the page again and compares the two counts.

A page that does grow is marked ``xfail(strict=True)`` with what grows, so that fixing the
view turns the mark red and it is removed.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AppraisalResult, Direction, EvaluationRound
from assessments.services import issue_codes, record_tally
from households.models import PoorAreaYear
from pairing.models import HouseholdPairing, Posting, VillagePairing
from reports.models import Notice, Report, SubmissionEvent
from reports.services import runs, submissions
from shuanglian.models import RosterImport, RosterImportProblem
from tests import factories as f
from tests.factories import registered_admins
from visits.models import AnomalyFlag, DemandFollowUp, Stay, UnitVisit, Visit
from visits.services.deeds import record_deed
from visits.services.demands import record_demand

# The dashboard keeps its figures for the day: every count computes them afresh.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# The counts do not depend on the date, but the rows do (what is due, what is behind, which
# month was last): a fixed Monday in June has something of every kind, whatever day CI runs.
NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
LAST_MONTH = date(2025, 5, 1)
SMALL, MORE = 1, 3  # rows added before the first count, then before the second


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


# --- a world that grows ----------------------------------------------------------------------------------

class World:
    """The two counties of tests/web/conftest.py, grown one "row" at a time inside 秦州区: each row
    is a new village with its unit, cadre and household, and one more of everything the pages
    list, for the office, the leader, the unit administrator and the signed-in cadre alike."""

    def __init__(self, counties, unit_admin):
        self.mine = counties["mine"]
        self.unit_admin = unit_admin
        self.rows = 0
        self.round = EvaluationRound.objects.create(year=TODAY.year, area_id="620502000000",
                                                    opens=TODAY - timedelta(days=1), closes=TODAY + timedelta(days=9))
        self.submission = submissions.submit_monthly_report(unit=self.mine["unit"], month=LAST_MONTH,
                                                                summary="已走访", by=None, now=NOW)
        # Last year's round, closed: its results are frozen rows of their own.
        self.closed_round = EvaluationRound.objects.create(year=TODAY.year - 1, area_id="620502000000",
                                                           opens=date(TODAY.year - 1, 12, 1),
                                                           closes=date(TODAY.year - 1, 12, 31), closed_at=NOW)
        self.roster_import = None

    def grow(self, rows: int) -> None:
        for _ in range(rows):
            self.rows += 1
            self._row(self.rows)
        for direction in (Direction.HOUSEHOLD_ON_CADRE, Direction.VILLAGE_ON_UNIT):
            issue_codes(rnd=self.round, direction=direction)

    def _row(self, i: int) -> None:
        mine = self.mine
        village = f.village(f"620502100{100 + i:03d}", f"新{i}村")
        PoorAreaYear.objects.create(area=village, year=TODAY.year, kind="village")
        unit = f.UnitFactory(area=f.county(), name=f"新单位{i}")
        VillagePairing.objects.create(unit=unit, village=village, start=date(2024, 1, 1))
        cadre = f.CadreFactory(unit=unit, rank="section", user=f.UserFactory())
        household = f.HouseholdFactory(village=village)
        f.MemberFactory(household=household)
        f.IncomeRecordFactory(household=household, year=TODAY.year - 1)
        HouseholdPairing.objects.create(cadre=cadre, household=household, start=date(2024, 1, 1))
        trip = self._visit(cadre, household, days_ago=i)
        twin = self._visit(cadre, household, days_ago=i)
        AnomalyFlag.objects.create(kind=AnomalyFlag.Kind.OVERLAP, visit=twin, other=trip, day=trip.start)
        f.HouseholdPlanFactory(household=household, year=TODAY.year)
        f.VillageYearFactory(village=village, year=TODAY.year - 1)
        for target in ({"cadre": cadre}, {"unit": unit}):
            AppraisalResult.objects.create(round=self.closed_round, ballots=1, satisfied=1, basic=0, unsatisfied=0,
                                           **target)
        UnitVisit.objects.create(unit=unit, village=village, start=TODAY - timedelta(days=i),
                                 end=TODAY - timedelta(days=i), people=2, leader=cadre)
        demand = record_demand(cadre=cadre, household=household, category="housing", text=f"诉求{i}")
        DemandFollowUp.objects.create(demand=demand, status="in_progress", note="办理中", by=None)
        record_deed(cadre=cadre, household=household, on=TODAY, category="funds", description=f"实事{i}", money=100)
        record_tally(rnd=self.round, direction=Direction.HOUSEHOLD_ON_CADRE, target=cadre,
                     satisfied=1, basic=0, unsatisfied=0)
        record_tally(rnd=self.round, direction=Direction.VILLAGE_ON_UNIT, target=unit,
                     satisfied=1, basic=0, unsatisfied=0)
        runs.request_report(kind="monthly", period=f"{LAST_MONTH:%Y-%m}", unit=unit, enqueue=False)
        runs.request_report(kind="monthly", period=f"2024-{i:02d}", area=f.county(), enqueue=False)
        submissions.submit_monthly_report(unit=unit, month=LAST_MONTH, summary="已走访", by=None, now=NOW)

        # The signed-in cadre's own: another household of theirs, a trip, a demand and a deed.
        own = f.HouseholdFactory(village=mine["village"])
        f.MemberFactory(household=own)
        HouseholdPairing.objects.create(cadre=mine["cadre"], household=own, start=date(2024, 1, 1))
        self._visit(mine["cadre"], own, days_ago=i)
        own_demand = record_demand(cadre=mine["cadre"], household=own, category="housing", text=f"本人诉求{i}")
        DemandFollowUp.objects.create(demand=own_demand, status="in_progress", note="办理中", by=None)
        record_deed(cadre=mine["cadre"], household=own, on=TODAY, category="funds", description=f"本人实事{i}")

        # The household card of the cadre's first household: more members, years and past cadres.
        card = mine["household"]
        f.MemberFactory(household=card)
        f.IncomeRecordFactory(household=card, year=2010 + i)
        HouseholdPairing.objects.create(cadre=cadre, household=card, start=date(2010 + i, 1, 1),
                                        end=date(2010 + i, 12, 31), end_reason="调整")

        # A resident posted to the new village, behind pace, and one of the signed-in county's own
        # unit posted to its village (the due list and the dashboard list and count them).
        posting = Posting.objects.create(cadre=cadre, village=village, role="first_secretary", start=date(2025, 1, 1))
        Stay.objects.create(cadre=cadre, posting=posting, start=TODAY - timedelta(days=i), end=TODAY - timedelta(days=i))
        resident = f.CadreFactory(unit=mine["unit"], rank="section")
        own_posting = Posting.objects.create(cadre=resident, village=mine["village"], role="member", start=date(2025, 1, 1))
        Stay.objects.create(cadre=resident, posting=own_posting, start=TODAY - timedelta(days=i), end=TODAY - timedelta(days=i))

        # The unit administrator's notices and the office's month, one more step each.
        Notice.objects.create(user=self.unit_admin, key=f"k{i}", title=f"提醒{i}", body="正文")
        SubmissionEvent.objects.create(submission=self.submission, action="submitted", by=self.unit_admin, at=NOW)
        if self.roster_import is not None:
            RosterImportProblem.objects.create(job=self.roster_import, position=i, sheet="农户", row=i + 1, message="缺户主")

        # Identification: the new household's exit announced, and the cadre's new household on
        # their village's first notice of the year.
        f.AnnouncedStepFactory.announce([household], village=village, year=TODAY.year, date=TODAY - timedelta(days=i))
        notice = own_village_notice(mine["village"])
        f.AnnouncedEntryFactory(step=notice, household=own)
        # Typical cases (one published about the new unit's cadre, one of the county's unit waiting),
        # a lead unit of another year with a meeting, a meeting of this year's lead unit, and the
        # closed round's results published.
        from publicity.models import LeadMeeting, LeadUnit, RoundPublication, TypicalCase

        TypicalCase.objects.create(category="industry", title=f"典型{i}", text="事迹", area_id="620502000000", unit=unit,
                                   cadre=cadre, village=village, status="published", published_at=NOW)
        TypicalCase.objects.create(category="model_person", title=f"待审{i}", text="事迹", area_id="620502000000",
                                   unit=mine["unit"], cadre=mine["cadre"])
        past = LeadUnit.objects.create(county_id="620502000000", year=2000 + i, unit=unit)
        LeadMeeting.objects.create(lead=past, on=date(2000 + i, 3, 1), topic="会商", attendees=3)
        lead = LeadUnit.objects.get_or_create(county_id="620502000000", year=TODAY.year, defaults={"unit": mine["unit"]})[0]
        LeadMeeting.objects.create(lead=lead, on=TODAY, topic=f"会商{i}", attendees=3)
        RoundPublication.objects.get_or_create(round=self.closed_round, defaults={"year": self.closed_round.year})

    @staticmethod
    def first_case():
        from publicity.models import TypicalCase

        return TypicalCase.objects.filter(status="published").order_by("pk").first()

    @staticmethod
    def _visit(cadre, household, *, days_ago: int) -> Visit:
        visit = Visit.objects.create(cadre=cadre, start=TODAY - timedelta(days=days_ago),
                                     end=TODAY - timedelta(days=days_ago), notes="走访")
        visit.households.set([household])
        return visit


def own_village_notice(village):
    from identification.models import Step

    return Step.objects.get_or_create(village=village, procedure="identification", year=TODAY.year, stage="first_notice",
                                      date=date(2025, 6, 1), end_date=date(2025, 6, 7))[0]


@pytest.fixture
def world(counties, unit_admin):
    return World(counties, unit_admin)


def _shape(sql: str) -> str:
    """A query without its values, so that the same query for another row counts as the same."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def queries(client, path: str, expected_status: int = 200) -> list[str]:
    client.get(path)  # once unmeasured: whatever a process caches on first use is not the page's
    with CaptureQueriesContext(connection) as captured:
        cache.clear()
        response = client.get(path)
    assert response.status_code == expected_status, (path, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def assert_flat(client, world, path, expected_status: int = 200) -> None:
    """The page takes as many queries over 1 + 3 more rows as over 1."""
    world.grow(SMALL)
    small = queries(client, path(world) if callable(path) else path, expected_status)
    world.grow(MORE)
    large = queries(client, path(world) if callable(path) else path, expected_status)
    grown = Counter(map(_shape, large)) - Counter(map(_shape, small))
    assert len(large) == len(small), (
        f"{len(small)} queries over {SMALL} row(s), {len(large)} over {SMALL + MORE}; repeated per row:\n"
        + "\n".join(f"  +{n}: {sql[:300]}" for sql, n in grown.most_common(5)))


# --- who opens which page ------------------------------------------------------------------------------

def sign_in(client, world, role: str, request):
    if role == "cadre":
        user = world.mine["cadre"].user
    elif role == "unit_admin":
        user = world.unit_admin
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    return user


OWN_HOUSEHOLD = lambda w: reverse("household-detail", args=[w.mine["household"].number])  # noqa: E731

# (URL name, role, path) — the pages a signed-in person reads. Pages that show one object
# (a form, one report, one submission) are here too: they must not start listing rows either.
PAGES = [
    ("home", "office", lambda w: reverse("home")),
    ("home", "unit_admin", lambda w: reverse("home")),
    ("home", "office", lambda w: reverse("home") + "?q=H"),
    ("household-detail", "office", OWN_HOUSEHOLD),
    ("household-detail", "cadre", OWN_HOUSEHOLD),
    ("visits-due", "office", lambda w: reverse("visits-due")),
    ("visits-due", "unit_admin", lambda w: reverse("visits-due")),
    ("visits-workspace", "cadre", lambda w: reverse("visits-workspace")),
    ("visits-log", "cadre", lambda w: reverse("visits-log")),
    ("visits-history", "cadre", lambda w: reverse("visits-history")),
    ("visits-edit", "cadre", lambda w: reverse("visits-edit", args=[w.mine["cadre"].visits.order_by("pk").first().pk])),
    ("visits-demands", "cadre", lambda w: reverse("visits-demands")),
    ("visits-demand-new", "cadre", lambda w: reverse("visits-demand-new")),
    ("visits-deed-new", "cadre", lambda w: reverse("visits-deed-new")),
    ("dashboard", "leader", lambda w: reverse("dashboard")),
    ("dashboard", "leader", lambda w: reverse("dashboard") + "?area=620502100000"),
    ("dashboard", "leader", lambda w: reverse("dashboard") + f"?area={w.mine['village'].code}"),
    ("dashboard", "office", lambda w: reverse("dashboard") + f"?year={TODAY.year - 1}"),
    ("evaluation-results", "office", lambda w: reverse("evaluation-results")),
    ("evaluation-results", "unit_admin", lambda w: reverse("evaluation-results")),
    ("evaluation-results", "office", lambda w: reverse("evaluation-results") + f"?round={w.closed_round.pk}"),
    ("evaluation-results", "leader", lambda w: reverse("evaluation-results") + "?area=620502100000"),
    ("evaluation-slips", "office", lambda w: reverse("evaluation-slips", args=[w.round.pk])),
    ("evaluation-slips", "office", lambda w: reverse("evaluation-slips", args=[w.round.pk]) + "?direction=village_on_unit"),
    ("reports-index", "office", lambda w: reverse("reports-index")),
    ("reports-index", "unit_admin", lambda w: reverse("reports-index")),
    ("reports-ledger", "office", lambda w: reverse("reports-ledger")),
    ("reports-submissions", "office", lambda w: reverse("reports-submissions") + f"?month={LAST_MONTH:%Y-%m}"),
    ("reports-submissions", "unit_admin", lambda w: reverse("reports-submissions")),
    ("reports-submission", "office", lambda w: reverse("reports-submission", args=[w.submission.pk])),
    ("reports-submission", "unit_admin", lambda w: reverse("reports-submission", args=[w.submission.pk])),
    ("reports-submit", "unit_admin", lambda w: reverse("reports-submit", args=[f"{LAST_MONTH:%Y-%m}"])),
    ("reports-status", "office", lambda w: reverse("reports-status", args=[Report.objects.order_by("pk").first().pk])),
    ("ballot-enter", None, lambda w: reverse("ballot-enter")),
    ("ballot-cast", None, lambda w: reverse("ballot-cast", args=[w.round.ballotcode_set.order_by("pk").first().code])),
    ("admin:pairing-coverage", "office", lambda w: reverse("admin:pairing-coverage")),
    ("admin:pairing-coverage", "unit_admin", lambda w: reverse("admin:pairing-coverage")),
    ("admin:pairing-hand-over", "office", lambda w: reverse("admin:pairing-hand-over", args=[w.mine["pairing"].pk])),
    ("admin:pairing-assign", "office", lambda w: reverse("admin:pairing-assign", args=[w.mine["household"].number])),
    ("admin:roster-upload", "office", lambda w: reverse("admin:roster-upload")),
    ("admin:roster-import", "office", lambda w: reverse("admin:roster-import", args=[w.roster_import.pk])),
    ("admin:index", "office", lambda w: reverse("admin:index")),
    ("households-poverty", "office", lambda w: reverse("households-poverty") + f"?year={TODAY.year - 1}"),
    ("households-poverty", "leader", lambda w: reverse("households-poverty") + f"?year={TODAY.year - 1}&area=620502100000"),
]
# Exit checklists, the yearly update and the printed notices.
PAGES += [
    ("exit-checklists", "cadre", lambda w: reverse("exit-checklists")),
    ("exit-checklist", "cadre", lambda w: reverse("exit-checklist", args=[w.mine["household"].number])),
    ("exit-verification-form", "office", lambda w: reverse("exit-verification-form", args=[w.mine["household"].number])),
    ("step-notice-print", "office", lambda w: reverse("step-notice-print", args=[own_village_notice(w.mine["village"]).pk])),
    ("identification-yearly", "office", lambda w: reverse("identification-yearly") + f"?year={TODAY.year}"),
    ("identification-villages", "office", lambda w: reverse("identification-villages")),
    ("identification-village", "office", lambda w: reverse("identification-village", args=[w.mine["village"].code])),
    ("identification-village", "cadre", lambda w: reverse("identification-village", args=[w.mine["village"].code])),
    ("identification-household", "office",
     lambda w: reverse("identification-household", args=[w.mine["household"].number])),
    ("publicity-cases", "office", lambda w: reverse("publicity-cases")),
    ("publicity-cases", "unit_admin", lambda w: reverse("publicity-cases")),
    ("publicity-case-new", "office", lambda w: reverse("publicity-case-new")),
    ("publicity-case", "office", lambda w: reverse("publicity-case", args=[w.first_case().pk])),
    ("publicity-rounds", "office", lambda w: reverse("publicity-rounds")),
    ("publicity-leads", "office", lambda w: reverse("publicity-leads")),
    ("public-index", None, lambda w: reverse("public-index")),
    ("public-case", None, lambda w: reverse("public-case", args=[w.first_case().pk])),
    ("public-results", None, lambda w: reverse("public-results", args=[TODAY.year - 1])),
]
# Household plans: the cadre's phone page of a plan and the offices' page of plans missing or overdue.
PAGES += [
    ("planning-household-plan", "cadre", lambda w: reverse("planning-household-plan", args=[w.mine["household"].number])),
    ("planning-gaps", "office", lambda w: reverse("planning-gaps")),
]


def _posting_sheet(w):
    """A village plan of the cadre's village with a commitment per row the world has grown."""
    from planning.models import DevelopmentPlan

    plan, _created = DevelopmentPlan.objects.get_or_create(kind="village", village=w.mine["village"], start_year=TODAY.year,
                                                           end_year=TODAY.year + 2, defaults={"goals": "规划"})
    for n in range(plan.commitments.count(), Visit.objects.count()):
        commitment = plan.commitments.create(text=f"承诺{n}", year_due=TODAY.year)
        commitment.progress.create(year=TODAY.year, text="进展")
    return reverse("planning-posting", args=[plan.pk])


PAGES += [("planning-posting", "office", _posting_sheet)]

# Pages known to query once per row (reported; the view is to be fixed, then the mark removed).
GROWS: dict[str, str] = {}


def _ids():
    seen = Counter()
    out = []
    for name, role, _path in PAGES:
        key = f"{name}[{role or 'anonymous'}]"
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


@pytest.mark.parametrize(("name", "role", "path"), [
    pytest.param(name, role, path, id=key,
                 marks=[pytest.mark.xfail(strict=True, reason=GROWS[key])] if key in GROWS else [])
    for (name, role, path), key in zip(PAGES, _ids(), strict=True)
])
def test_a_page_takes_as_many_queries_however_many_rows(client, world, request, name, role, path):
    if role is not None:
        sign_in(client, world, role, request)
    if name.startswith("admin:roster-import"):
        world.roster_import = RosterImport.objects.create(user=request.getfixturevalue("office"), filename="花名册.xlsx",
                                                          status=RosterImport.Status.REJECTED)
    assert_flat(client, world, path)


# --- downloads -----------------------------------------------------------------------------------------

DOWNLOADS = [
    ("visits-due-xlsx", "office", lambda w: reverse("visits-due") + "?format=xlsx"),
    ("evaluation-results-xlsx", "office", lambda w: reverse("evaluation-results") + "?format=xlsx"),
    ("evaluation-results-xlsx-closed", "office",
     lambda w: reverse("evaluation-results") + f"?round={w.closed_round.pk}&format=xlsx"),
    ("reports-ledger-xlsx", "office", lambda w: reverse("reports-ledger") + f"?area=620502000000&year={TODAY.year - 1}"),
    ("admin:roster-download", "office", lambda w: reverse("admin:roster-download")),
    ("admin:roster-import-problems", "office", lambda w: reverse("admin:roster-import-problems", args=[w.roster_import.pk])),
    ("households-poverty-xlsx", "office", lambda w: reverse("households-poverty") + f"?year={TODAY.year - 1}&format=xlsx"),
]
DOWNLOADS += [
    ("identification-yearly-xlsx", "office", lambda w: reverse("identification-yearly") + f"?year={TODAY.year}&format=xlsx"),
    ("identification-export", "office", lambda w: reverse("identification-export") + f"?area=620502000000&year={TODAY.year}"),
]
GROWING_DOWNLOADS: dict[str, str] = {}


@pytest.mark.parametrize(("name", "role", "path"), [
    pytest.param(name, role, path, id=name,
                 marks=[pytest.mark.xfail(strict=True, reason=GROWING_DOWNLOADS[name])] if name in GROWING_DOWNLOADS else [])
    for name, role, path in DOWNLOADS
])
def test_a_download_takes_as_many_queries_however_many_rows(client, world, request, name, role, path):
    user = sign_in(client, world, role, request)
    world.roster_import = RosterImport.objects.create(user=user, filename="花名册.xlsx", status=RosterImport.Status.REJECTED)
    assert_flat(client, world, path)


# --- the admin's model lists -------------------------------------------------------------------------------

def _changelists() -> list[str]:
    return sorted(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m, _model_admin in registered_admins())


GROWING_LISTS: dict[str, str] = {}


@pytest.mark.parametrize("name", [
    pytest.param(name, id=name.removeprefix("admin:").removesuffix("_changelist"),
                 marks=[pytest.mark.xfail(strict=True, reason=GROWING_LISTS[name])] if name in GROWING_LISTS else [])
    for name in _changelists()
])
def test_an_admin_list_takes_as_many_queries_however_many_rows(client, world, request, name):
    """Each list as the office sees it; the lists only the system administrator opens, as them."""
    office = sign_in(client, world, "office", request)
    world.roster_import = RosterImport.objects.create(user=office, filename="花名册.xlsx", status=RosterImport.Status.REJECTED)
    if client.get(reverse(name)).status_code != 200:
        client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    assert_flat(client, world, reverse(name))


# --- identification and exit (docs/domain.md §10): each row adds a vote, a notice with an
# objection and an exit checklist in the signed-in county's village, for a household of its own.

_row_without_procedures = World._row


def _row_with_procedures(self, i: int) -> None:
    from identification.models import ExitCheckItem, ExitChecklist, Objection, Step, StepEntry

    _row_without_procedures(self, i)
    village = self.mine["village"]
    household = f.HouseholdFactory(village=village)
    HouseholdPairing.objects.create(cadre=self.mine["cadre"], household=household, start=date(2024, 1, 1))
    vote = Step.objects.create(village=village, procedure="identification", year=TODAY.year, stage="vote",
                               date=TODAY - timedelta(days=20), signatories=[{"name": f"签字{i}", "role": "书记"}])
    notice = Step.objects.create(village=village, procedure="identification", year=TODAY.year, stage="first_notice",
                                 date=TODAY - timedelta(days=2), end_date=TODAY + timedelta(days=5))
    for step in (vote, notice):
        for h in (household, self.mine["household"]):
            StepEntry.objects.create(step=step, household=h, passed=True, votes_for=1 if step is vote else None,
                                     votes_against=0 if step is vote else None,
                                     votes_abstaining=0 if step is vote else None)
    for h in (household, self.mine["household"]):
        Objection.objects.create(notice=notice, household=h, received_on=TODAY, content=f"异议{i}")
    checklist = ExitChecklist.objects.create(household=household, year=TODAY.year, recorded_on=TODAY)
    ExitCheckItem.objects.create(checklist=checklist, item="food", holds=True)


World._row = _row_with_procedures
# --- discipline (docs/domain.md §13) -----------------------------------------------------------------------
# Each row also brings a complaint against its cadre (with a note on the county's first one), an
# inspection of its unit with an overdue finding (and one more finding on the county's first
# inspection) and a talk with its cadre, so the pages, admin lists and API lists of discipline grow too.

def _discipline_row(world: World, i: int) -> None:
    from discipline.models import Accountability, Complaint, ComplaintNote, Finding, Inspection

    cadre = HouseholdPairing.objects.filter(household__village__code=f"620502100{100 + i:03d}").select_related(
        "cadre__unit").get().cadre
    unit = cadre.unit
    Complaint.objects.create(receipt_code=f"QC{i:010d}", rule="gifts", target_kind="cadre", target_name=cadre.name,
                             area_id=unit.area_id, cadre=cadre, unit=unit, content=f"举报{i}", complainant_name=f"举报人{i}")
    inspection = Inspection.objects.create(year=TODAY.year, half=1, on=TODAY - timedelta(days=30), unit=unit,
                                           area_id=unit.area_id, checked=f"督查{i}", inspectors="督查组")
    Finding.objects.create(inspection=inspection, text=f"问题{i}", deadline=TODAY - timedelta(days=1))
    Accountability.objects.create(kind="talk", cadre=cadre, basis=f"评议{i}", on=TODAY, issued_by_id="620502000000")
    if not hasattr(world, "complaint"):
        world.complaint = Complaint.objects.create(receipt_code="QCFIRST00000", rule="gifts", target_kind="other",
                                                   target_name="某人", area_id="620502000000", content="举报")
        world.inspection = inspection
    ComplaintNote.objects.create(complaint=world.complaint, text=f"调查{i}")
    Finding.objects.create(inspection=world.inspection, text=f"又一问题{i}", deadline=TODAY + timedelta(days=i))


_row_before_discipline = World._row


def _row_with_discipline(self, i: int) -> None:
    _row_before_discipline(self, i)
    _discipline_row(self, i)


World._row = _row_with_discipline

DISCIPLINE_PAGES = [
    ("discipline-office", "office", lambda w: reverse("discipline-office")),
    ("discipline-office", "leader", lambda w: reverse("discipline-office")),
    ("discipline-complaint", "office", lambda w: reverse("discipline-complaint", args=[w.complaint.pk])),
    ("discipline-complaint-new", "office", lambda w: reverse("discipline-complaint-new")),
    ("discipline-inspection", "office", lambda w: reverse("discipline-inspection", args=[w.inspection.pk])),
    ("discipline-inspection-new", "office", lambda w: reverse("discipline-inspection-new")),
    ("discipline-accountability-new", "office", lambda w: reverse("discipline-accountability-new")),
    ("complaint-new", None, lambda w: reverse("complaint-new")),
    ("complaint-status", None, lambda w: reverse("complaint-status")),
]


@pytest.mark.parametrize(("name", "role", "path"), [pytest.param(*page, id=f"{page[0]}[{page[1] or 'anonymous'}]")
                                                    for page in DISCIPLINE_PAGES])
def test_a_discipline_page_takes_as_many_queries_however_many_rows(client, world, request, name, role, path):
    if role is not None:
        sign_in(client, world, role, request)
    assert_flat(client, world, path)


# --- projects and the household's papers (docs/domain.md §12) ---------------------------------------------

class PapersWorld(World):
    """The world above, with a project of the county's unit and of each new unit every row."""

    def _row(self, i: int) -> None:
        super()._row(i)
        unit = self.mine["unit"]
        f.ProjectFactory(unit=unit, village=self.mine["village"], start=TODAY - timedelta(days=i), year=TODAY.year)
        new = VillagePairing.objects.order_by("-pk").first()
        f.ProjectFactory(unit=new.unit, village=new.village, start=TODAY - timedelta(days=i), year=TODAY.year)


PAPERS_PAGES = [
    ("papers-cards", "office", lambda w: reverse("papers-cards") + f"?village={w.mine['village'].code}"),
    ("papers-cards", "cadre", lambda w: reverse("papers-cards")),
    ("papers-handbook", "office", lambda w: reverse("papers-handbook", args=[w.mine["household"].number])),
    ("papers-handbook", "cadre", lambda w: reverse("papers-handbook", args=[w.mine["household"].number])),
    ("papers-diary", "cadre", lambda w: reverse("papers-diary")),
    ("papers-diary", "office", lambda w: reverse("papers-diary") + f"?cadre={w.mine['cadre'].pk}"),
    ("papers-handbook-download", "office", lambda w: reverse("papers-handbook-download")),
    ("papers-project-upload", "unit_admin", lambda w: reverse("papers-project-upload")),
    ("dashboard", "leader", lambda w: reverse("dashboard")),
    ("admin:papers_project_changelist", "office", lambda w: reverse("admin:papers_project_changelist")),
]


@pytest.mark.parametrize(("name", "role", "path"), [
    pytest.param(name, role, path, id=f"{name}[{role}]#{n}") for n, (name, role, path) in enumerate(PAPERS_PAGES)])
def test_a_paper_takes_as_many_queries_however_many_rows(client, counties, unit_admin, request, name, role, path):
    world = PapersWorld(counties, unit_admin)
    sign_in(client, world, role, request)
    assert_flat(client, world, path)
