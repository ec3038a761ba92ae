"""The role matrix: every role signs in and opens every page, export, report download, admin
list, admin change page and API endpoint; nothing of the neighbouring county (麦积区) may show.

The endpoints come from the URL configuration and the admin registry, so a new URL without an
entry here fails ``test_every_url_is_in_the_matrix``, and a new admin model is checked at once.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.contrib.auth import get_user_model
from django.core import validators
from django.db import models, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Direction, EvaluationRound
from assessments.services import issue_codes, record_tally
from pairing.models import Role
from tests.factories import registered_admins
from tests.web.conftest import PASSWORD, county, staff
from visits.models import Visit
from visits.services.deeds import record_deed
from visits.services.demands import record_demand

pytestmark = pytest.mark.django_db
MARKER = "麦积"  # every name of the other county carries it
TODAY = date(2025, 6, 16)
OTHER = {"area": "620503000000", "village": "620503100001", "unit": "U620503", "household": "H620503"}


def _fill(c: dict) -> None:
    """A visit, a demand, a deed, a round with a tally and codes: something of every kind."""
    visit = Visit.objects.create(cadre=c["cadre"], start=TODAY - timedelta(days=3), end=TODAY - timedelta(days=2),
                                 notes=f"{c['unit'].name}走访")
    visit.households.set([c["household"]])
    c["visit"] = visit
    c["demand"] = record_demand(cadre=c["cadre"], household=c["household"], category="housing", text=f"{c['unit'].name}诉求")
    c["deed"] = record_deed(cadre=c["cadre"], household=c["household"], on=TODAY, category="funds",
                            description=f"{c['unit'].name}实事", money=100)
    rnd = EvaluationRound.objects.create(year=TODAY.year, area_id=c["village"].code[:6] + "000000",
                                         opens=TODAY - timedelta(days=1), closes=TODAY + timedelta(days=9))
    record_tally(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE, target=c["cadre"], satisfied=1, basic=0, unsatisfied=0)
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    c["round"] = rnd


@pytest.fixture(autouse=True)
def clock():
    """Scope does not depend on the date: the matrix runs on a fixed Monday in June."""
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def world(db):
    from tests.web.conftest import area

    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine, other = county("620502", "秦州区", 1), county("620503", "麦积区", 2)
    _fill(mine)
    _fill(other)
    return {"mine": mine, "other": other}


def _users(world) -> dict:
    return {
        "office": staff("office", kind=Role.Kind.OFFICE, area_id="620502000000"),
        "office_ids": staff("office_ids", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True),
        "leader": staff("leader", kind=Role.Kind.LEADER, area_id="620502000000"),
        "inspector": staff("inspector", kind=Role.Kind.INSPECTOR, area_id="620502000000"),
        "unit_admin": staff("unit_admin", kind=Role.Kind.UNIT_ADMIN, unit=world["mine"]["unit"]),
        "cadre": world["mine"]["cadre"].user,
        "township_office": staff("township", kind=Role.Kind.OFFICE, area_id="620502100000"),
    }


ROLES = ["office", "office_ids", "leader", "inspector", "unit_admin", "cadre", "township_office"]


# --- the URLs of the site --------------------------------------------------------------------------------

def _other(world, key):
    return world["other"][key]


# name → a function of the world giving the path to open (with the other county's objects where
# the URL takes one). A URL that needs no scope says why in EXEMPT instead.
PAGES = {
    "home": lambda w: reverse("home"),
    "household-detail": lambda w: reverse("household-detail", args=[OTHER["household"]]),
    "visits-due": lambda w: reverse("visits-due"),
    "visits-due-xlsx": lambda w: reverse("visits-due") + "?format=xlsx",
    "visits-workspace": lambda w: reverse("visits-workspace"),
    "visits-log": lambda w: reverse("visits-log"),
    "visits-history": lambda w: reverse("visits-history"),
    "visits-edit": lambda w: reverse("visits-edit", args=[_other(w, "visit").pk]),
    "visits-demands": lambda w: reverse("visits-demands"),
    "visits-demand-new": lambda w: reverse("visits-demand-new"),
    "visits-deed-new": lambda w: reverse("visits-deed-new"),
    "dashboard": lambda w: reverse("dashboard"),
    "dashboard-other": lambda w: reverse("dashboard") + f"?area={OTHER['area']}",
    "evaluation-results": lambda w: reverse("evaluation-results"),
    "evaluation-results-other": lambda w: reverse("evaluation-results") + f"?round={_other(w, 'round').pk}",
    "evaluation-results-xlsx": lambda w: reverse("evaluation-results") + "?format=xlsx",
    "evaluation-slips": lambda w: reverse("evaluation-slips", args=[_other(w, "round").pk]),
    "reports-index": lambda w: reverse("reports-index"),
    "reports-request": lambda w: reverse("reports-request"),
    "reports-detail": lambda w: reverse("reports-detail", args=[_other(w, "report").pk]),
    "reports-status": lambda w: reverse("reports-status", args=[_other(w, "report").pk]),
    "reports-download": lambda w: reverse("reports-download", args=[_other(w, "report").pk]),
    "reports-ledger": lambda w: reverse("reports-ledger") + f"?area={OTHER['area']}&year={TODAY.year}",
    "reports-submissions": lambda w: reverse("reports-submissions"),
    "reports-submission": lambda w: reverse("reports-submission", args=[_other(w, "submission").pk]),
    "reports-submit": lambda w: reverse("reports-submit", args=[f"{TODAY:%Y-%m}"]),
    "api-root": lambda w: reverse("api-root"),
    "households-poverty": lambda w: reverse("households-poverty") + f"?area={OTHER['area']}&year={TODAY.year}",
    "households-poverty-xlsx": lambda w: reverse("households-poverty") + f"?area={OTHER['area']}&format=xlsx",
}


def _other_announcement(world):
    """The other county's exit announcement of its household (made on first use)."""
    from identification.models import Step

    c = world["other"]
    step, _created = Step.objects.get_or_create(village=c["village"], procedure="exit", year=TODAY.year,
                                                stage="announcement", date=TODAY - timedelta(days=5))
    step.entries.get_or_create(household=c["household"], defaults={"passed": True})
    return step


# Exit checklists, the yearly update (动态调整) and the printed notices.
PAGES.update({
    "exit-checklists": lambda w: reverse("exit-checklists"),
    "exit-checklist": lambda w: reverse("exit-checklist", args=[OTHER["household"]]),
    "exit-verification-form": lambda w: reverse("exit-verification-form", args=[OTHER["household"]]),
    "step-notice-print": lambda w: reverse("step-notice-print", args=[_other_announcement(w).pk]),
    "identification-yearly": lambda w: reverse("identification-yearly") + f"?year={TODAY.year}",
    "identification-yearly-xlsx": lambda w: reverse("identification-yearly") + f"?year={TODAY.year}&format=xlsx",
})

# API resources: list and, where the URL takes a key, the other county's object.
API_DETAILS = {
    "area-detail": lambda w: OTHER["area"],
    "village-detail": lambda w: OTHER["village"],
    "unit-detail": lambda w: OTHER["unit"],
    "cadre-detail": lambda w: _other(w, "cadre").pk,
    "household-detail": lambda w: OTHER["household"],
    "household-pairing-detail": lambda w: _other(w, "pairing").pk,
    "village-pairing-detail": lambda w: _other(w, "unit").village_pairings.get().pk,
    "visit-detail": lambda w: _other(w, "visit").pk,
    "demand-detail": lambda w: _other(w, "demand").pk,
    "deed-detail": lambda w: _other(w, "deed").pk,
    "report-detail": lambda w: _other(w, "report").pk,
    "work-team-member-detail": lambda w: _other_team_member(w).pk,
}


def _other_team_member(world):
    """The other county's cadre on its unit's work team (made on first use: the details are opened
    before the lists, so the list is read with it there)."""
    from pairing.models import WorkTeamMember

    c = world["other"]
    return WorkTeamMember.objects.get_or_create(unit=c["unit"], village=c["village"], cadre=c["cadre"],
                                                start=date(2024, 1, 1), defaults={"role": "member"})[0]


API_LIST_QUERY = {"compliance-list": f"?year={TODAY.year}", "evaluation-result-list": f"?year={TODAY.year}"}


def _other_plan(world):
    """The other county's household plan with a measure (made on first use)."""
    from households.models import HouseholdPlan

    plan, _created = HouseholdPlan.objects.get_or_create(household=world["other"]["household"], year=TODAY.year,
                                                         defaults={"target_income": 4000, "exit_deadline": TODAY.year,
                                                                   "measures": "麦积区计划"})
    plan.measure_rows.get_or_create(kind="industry", item="ewes", description="麦积区养羊")
    return plan


# Household plans: the cadre's phone page of a plan, the offices' gaps page and the API.
PAGES.update({
    "planning-household-plan": lambda w: (_other_plan(w), reverse("planning-household-plan", args=[OTHER["household"]]))[1],
    "planning-gaps": lambda w: reverse("planning-gaps"),
})
API_DETAILS.update({"household-plan-detail": lambda w: _other_plan(w).pk})


def _other_village_plan(world):
    """The other county's village plan with a commitment (made on first use)."""
    from planning.models import DevelopmentPlan

    plan, _created = DevelopmentPlan.objects.get_or_create(kind="village", village=world["other"]["village"],
                                                           start_year=TODAY.year, end_year=TODAY.year + 2,
                                                           defaults={"goals": "麦积区规划"})
    plan.commitments.get_or_create(text="麦积区承诺", year_due=TODAY.year)
    return plan


PAGES.update({"planning-posting": lambda w: reverse("planning-posting", args=[_other_village_plan(w).pk])})

EXEMPT = {
    # open to anyone, or about the user's own account only
    "set_language", "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete", "api-token",
    # the admin's sign-in sends everyone to the one sign-in page (tests/web/test_sign_in.py)
    "admin-sign-in",
    # the ballot pages answer to a one-time code, not a user (tested in tests/web/test_evaluation_pages.py)
    "ballot-enter", "ballot-thanks", "ballot-cast",
    # the schema and its docs describe the API, they hold no data
    "api-schema", "api-docs", "api-redoc",
    # marks the user's own notices read; a POST with nothing to show
    "reports-notices-read",
    # the phone app's service worker and offline page hold no data; signing out everywhere is
    # about the user's own account (tests/web/test_offline_app.py)
    "service-worker", "offline", "sign-out-everywhere",
}


def _url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # the admin is walked through its registry below
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


def _api_names() -> set[str]:
    return {n for n in _url_names() if n.endswith("-list") or n.endswith("-detail")} - set(PAGES)


def test_every_url_is_in_the_matrix():
    covered = set(PAGES) | set(API_DETAILS) | EXEMPT | {n for n in _api_names() if n.endswith("-list")}
    details_without_key = {n for n in _api_names() if n.endswith("-detail")} - set(API_DETAILS)
    assert not details_without_key, f"API details without an out-of-scope object: {details_without_key}"
    assert not (_url_names() - covered), f"URLs with no entry in the role matrix: {_url_names() - covered}"


# --- reading a response as text, exports included -----------------------------------------------------

def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an .xlsx is a zip of XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return content.decode("utf-8", "replace")


def _reports(world):
    """A finished report and a monthly submission of each county, for the report pages."""
    from households.models import Area
    from reports.periods import ANNUAL
    from reports.services.runs import request_report
    from reports.services.submissions import submit_monthly_report

    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    for key, code in (("mine", "620502000000"), ("other", OTHER["area"])):
        c = world[key]
        c["report"] = request_report(kind=ANNUAL, period=str(TODAY.year), area=Area.objects.get(code=code), by=None)
        c["submission"] = submit_monthly_report(unit=c["unit"], month=last_month, summary=f"{c['unit'].name}月报", by=None)


@pytest.fixture
def people(world):
    _reports(world)
    return _users(world)


# --- the pages and the API ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_the_other_county(client, world, people, role):
    client.force_login(people[role])
    leaks = []
    for name, path_of in PAGES.items():
        response = client.get(path_of(world))
        if response.status_code >= 500:
            leaks.append(f"{name}: {response.status_code}")
        elif response.status_code == 200 and MARKER in text_of(response):
            leaks.append(name)
    assert not leaks, f"{role} sees the other county on: {leaks}"


# The slips carry unused ballot codes: only offices print them, not the units, leaders or
# inspectors whose cadres are rated, nor the cadres themselves.
SLIP_PRINTERS = {"office", "office_ids", "township_office"}


@pytest.mark.parametrize("role", ROLES)
def test_only_offices_print_the_slips_of_their_round(client, world, people, role):
    client.force_login(people[role])
    response = client.get(reverse("evaluation-slips", args=[world["mine"]["round"].pk]))
    assert response.status_code == (200 if role in SLIP_PRINTERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_no_api_endpoint_shows_the_other_county(world, people, role):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=people[role])[0].key}")
    leaks = []
    for name in sorted(_api_names()):
        if name.endswith("-list"):
            response = client.get(reverse(name) + API_LIST_QUERY.get(name, ""))
        else:
            response = client.get(reverse(name, args=[API_DETAILS[name](world)]))
            if response.status_code == 200:
                leaks.append(f"{name}: 200")
                continue
        if response.status_code >= 500 or (response.status_code == 200 and MARKER in text_of(response)):
            leaks.append(f"{name}: {response.status_code}")
    assert not leaks, f"{role} reaches the other county through: {leaks}"


def test_an_anonymous_request_sees_nothing(client, world, people):
    for name, path_of in PAGES.items():
        response = client.get(path_of(world))
        assert response.status_code in (302, 401, 403, 404) or MARKER not in text_of(response), name
    api = APIClient()
    for name in sorted(_api_names()):
        path = reverse(name) if name.endswith("-list") else reverse(name, args=[API_DETAILS[name](world)])
        assert api.get(path).status_code in (401, 403), name


# --- the admin ----------------------------------------------------------------------------------------------

class ChangeForm(HTMLParser):
    """The fields a browser sends when the admin's change form (``<form id="…_form">``) is
    submitted unchanged: enabled inputs, checked boxes, selected options, textareas."""

    SKIPPED = {"submit", "button", "image", "reset", "file"}

    def __init__(self, html: str):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None  # (name, multiple, [(value, selected)])
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [name, text]
        self.feed(html)
        self.close()

    def _add(self, name, value):
        if name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("id") or "").endswith("_form") and a.get("id") != "logout-form"
        if not self._in_form or "disabled" in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a.get("name"), a.get("value") or "on")
            elif kind not in self.SKIPPED:
                self._add(a.get("name"), a.get("value") or "")
        elif tag == "select":
            self._select = (a.get("name"), "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            self._select[2].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [v for v, selected in options if selected]
            for value in chosen if multiple else (chosen[-1:] or [v for v, _ in options[:1]]):
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline that follows <textarea>, as Django renders it.
            self._add(name, text[1:] if text.startswith("\n") else text)
            self._textarea = None


PLAIN_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)
EDIT = "（已核）"
# Forms whose change is not a free-text field of the record: what a user would fill in.
FORM_CHANGES = {"visits.demand": {"next_status": ["in_progress"], "follow_up": ["已与村委会对接"]}}


def _editable_text(model, form, data) -> str | None:
    """A free-text field of the form that any value fits: its edit shows whether a save happened."""
    for name, field in form.fields.items():
        if type(field) is not forms.CharField or field.widget.is_hidden or name not in data:
            continue
        try:
            column = model._meta.get_field(name)
        except Exception:  # a field of the form only
            continue
        if (isinstance(column, (models.CharField, models.TextField)) and not column.unique and not column.choices
                and all(isinstance(v, PLAIN_VALIDATORS) for v in column.validators)):
            return name
    return None


class RolledBack(Exception):
    pass


def valid_change(superuser_client, model, model_admin, obj) -> dict:
    """What the system administrator's change form of ``obj`` posts, with one free-text field
    edited. Where the administrator may change the record, the data is shown to be valid: posted
    by the administrator (and rolled back) it saves. So when a role posts it and nothing changes,
    the role was refused, not the form."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200, f"{url}: {page.status_code}"
    data = ChangeForm(page.content.decode()).data
    form = page.context["adminform"].form
    edited = None if model._meta.label_lower in FORM_CHANGES else _editable_text(model, form, data)
    data.update(FORM_CHANGES.get(model._meta.label_lower, {}))
    if edited:
        max_length = form.fields[edited].max_length
        data[edited] = [(data[edited][0][: max_length - len(EDIT)] if max_length else data[edited][0]) + EDIT]
    if not model_admin.has_change_permission(_admin_request(page.wsgi_request.user), obj):
        return data  # nobody changes it here: read-only for everyone
    before = _state(model, obj.pk)
    try:
        with transaction.atomic():
            saved = superuser_client.post(url, data)
            problems = [] if saved.status_code == 302 else _errors(saved)
            after = _state(model, obj.pk)
            raise RolledBack
    except RolledBack:
        pass
    assert not problems and saved.status_code == 302, f"{url}: the change form built for the matrix is invalid: {problems}"
    assert after != before, f"{url}: the change form built for the matrix changes nothing"
    return data


def _errors(response) -> list:
    context = response.context or {}
    found = [dict(context["adminform"].form.errors)] if "adminform" in context else []
    found += [f.errors for f in context.get("inline_admin_formsets", []) for f in [f.formset] if any(f.errors)]
    return found or [response.status_code]


def _state(model, pk):
    """The record's values and its number of audit records: a save shows in one or the other."""
    history = getattr(model, "history", None)
    audits = history.filter(**{model._meta.pk.attname: pk}).count() if history is not None else None
    return model.objects.filter(pk=pk).values().first(), audits


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_list_export_or_change_page_shows_the_other_county(client, world, people, role):
    user = people[role]
    client.force_login(user)
    root, root_user = Client(), get_user_model().objects.create_superuser("root", password=PASSWORD)
    root.force_login(root_user)
    leaks = []
    for model, model_admin in registered_admins():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        request = _admin_request(user)
        if not model_admin.has_module_permission(request):
            continue
        changelist = client.get(reverse(f"{base}_changelist"))
        if changelist.status_code >= 500:
            leaks.append(f"{base} list: {changelist.status_code}")
        elif changelist.status_code == 200 and MARKER in text_of(changelist):
            leaks.append(f"{base} list")
        if hasattr(model_admin, "has_export_permission") and model_admin.has_export_permission(request):
            export = client.post(reverse(f"{base}_export"), {"format": "0", "resource": "0"})
            if export.status_code == 200 and MARKER in text_of(export):
                leaks.append(f"{base} export")
        visible = model_admin.get_queryset(request).values("pk")
        # Out of the role's reach, yet in the admin (as the system administrator sees it).
        outside = model_admin.get_queryset(_admin_request(root_user)).exclude(pk__in=visible).first()
        if outside is None:
            continue
        for suffix, args in (("change", [outside.pk]), ("history", [outside.pk])):
            response = client.get(reverse(f"{base}_{suffix}", args=args))
            if response.status_code == 200 and MARKER in text_of(response):
                leaks.append(f"{base} {suffix} {outside.pk}")
            if response.status_code >= 500:
                leaks.append(f"{base} {suffix}: {response.status_code}")
        data = valid_change(root, model, model_admin, outside)
        before = _state(model, outside.pk)
        client.post(reverse(f"{base}_change", args=[outside.pk]), data)
        if _state(model, outside.pk) != before:
            leaks.append(f"{base} changed {outside.pk}")
    assert not leaks, f"{role} reaches the other county in the admin: {leaks}"


def test_a_leader_cannot_run_the_admin_actions_that_change(client, world, people):
    from visits.models import AnomalyFlag

    flag = AnomalyFlag.objects.create(kind="overlap", visit=world["mine"]["visit"], day=TODAY)
    client.force_login(people["leader"])
    client.post(reverse("admin:visits_anomalyflag_changelist"), {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "open"


def test_an_inspection_group_reviews_flags_of_its_area(client, world, people):
    from visits.models import AnomalyFlag

    flag = AnomalyFlag.objects.create(kind="overlap", visit=world["mine"]["visit"], day=TODAY)
    client.force_login(people["inspector"])
    client.post(reverse("admin:visits_anomalyflag_changelist"), {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "cleared"


def test_roles_are_granted_only_by_the_system_administrator(client, world, people):
    client.force_login(people["office"])
    assert client.get(reverse("admin:pairing_role_changelist")).status_code == 403
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(superuser)
    assert client.get(reverse("admin:pairing_role_add")).status_code == 200


def test_a_township_office_sees_only_its_township(client, world, people):
    client.force_login(people["township_office"])
    figures = client.get(reverse("dashboard")).context["figures"]
    assert figures["area"]["code"] == "620502100000"


# --- resident work teams, stays and leave (docs/domain.md §11) ------------------------------------------

def _residents(c: dict) -> None:
    """A posting of the county's cadre with a stay and a leave, each of every kind."""
    from pairing.models import Leave, Posting
    from visits.models import Stay

    c["posting"] = Posting.objects.create(cadre=c["cadre"], village=c["village"], role="first_secretary",
                                          start=date(TODAY.year, 1, 1))
    c["stay"] = Stay.objects.create(cadre=c["cadre"], posting=c["posting"], start=TODAY - timedelta(days=5),
                                    end=TODAY - timedelta(days=4), note=f"{c['unit'].name}住村")
    c["leave"] = Leave.objects.create(cadre=c["cadre"], start=date(TODAY.year, 3, 1), end=date(TODAY.year, 3, 10),
                                      reason=f"{c['unit'].name}病假")


@pytest.fixture(autouse=True)
def residents(request):
    """Every world holds them (the fixture above is shared with other modules' needs)."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        _residents(world["mine"])
        _residents(world["other"])


PAGES["visits-stays"] = lambda w: reverse("visits-stays")
API_DETAILS.update({
    "posting-detail": lambda w: _other(w, "posting").pk,
    "stay-detail": lambda w: _other(w, "stay").pk,
    "leave-detail": lambda w: _other(w, "leave").pk,
})


def test_a_resident_opens_the_stay_page_from_the_workspace(client, world, people):
    client.force_login(people["cadre"])
    assert reverse("visits-stays") in client.get(reverse("visits-workspace")).content.decode()
    page = client.get(reverse("visits-stays"))
    assert page.status_code == 200 and "秦州区农业局住村" in page.content.decode()


@pytest.mark.parametrize("role", ["office", "leader", "unit_admin"])
def test_the_stay_page_is_the_residents_own(client, world, people, role):
    client.force_login(people[role])
    assert client.get(reverse("visits-stays")).status_code == 403


# --- identification and exit (docs/domain.md §10) ----------------------------------------------------------

def _procedures(c: dict) -> None:
    """A vote and a running notice for the county's household, an objection, an exit checklist."""
    from identification.models import ExitCheckItem, ExitChecklist, Objection, Step, StepEntry

    vote = Step.objects.create(village=c["village"], procedure="identification", year=TODAY.year, stage="vote",
                               date=TODAY - timedelta(days=10), signatories=[{"name": f"{c['unit'].name}书记", "role": "书记"}])
    StepEntry.objects.create(step=vote, household=c["household"], passed=True, votes_for=9, votes_against=0,
                             votes_abstaining=0)
    notice = Step.objects.create(village=c["village"], procedure="identification", year=TODAY.year,
                                 stage="first_notice", date=TODAY - timedelta(days=2), end_date=TODAY + timedelta(days=4))
    StepEntry.objects.create(step=notice, household=c["household"], passed=True)
    c["step"] = notice
    c["objection"] = Objection.objects.create(notice=notice, household=c["household"], received_on=TODAY,
                                              content=f"{c['unit'].name}异议")
    checklist = ExitChecklist.objects.create(household=c["household"], year=TODAY.year, recorded_on=TODAY)
    ExitCheckItem.objects.create(checklist=checklist, item="food", holds=True, note=f"{c['unit'].name}口粮")
    c["checklist"] = checklist


@pytest.fixture(autouse=True)
def procedures(request):
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        _procedures(world["mine"])
        _procedures(world["other"])


PAGES.update({
    "identification-villages": lambda w: reverse("identification-villages"),
    "identification-export": lambda w: reverse("identification-export") + f"?area={OTHER['area']}&year={TODAY.year}",
    "identification-village": lambda w: reverse("identification-village", args=[OTHER["village"]]),
    "identification-household": lambda w: reverse("identification-household", args=[OTHER["household"]]),
    "identification-document": lambda w: reverse("identification-document", args=[_other(w, "step").pk]),
    "identification-step-xlsx": lambda w: reverse("identification-step-xlsx") + f"?year={TODAY.year}",
})
API_DETAILS.update({
    "identification-step-detail": lambda w: _other(w, "step").pk,
    "identification-objection-detail": lambda w: _other(w, "objection").pk,
    "exit-checklist-detail": lambda w: _other(w, "checklist").pk,
})


@pytest.mark.parametrize("role", ROLES)
def test_the_procedures_of_ones_own_village_show_to_every_role_that_sees_it(client, world, people, role):
    client.force_login(people[role])
    page = client.get(reverse("identification-village", args=[world["mine"]["village"].code]))
    assert page.status_code == 200 and "秦州区农业局异议" in page.content.decode()


# --- discipline: complaints, inspections, accountability (docs/domain.md §13) -------------------------------

def _discipline(c: dict) -> None:
    """A complaint against the county's cadre (with the filer's name and a note), an inspection of
    its unit with an open finding, and a talk with the cadre."""
    from discipline.models import Accountability, Complaint, ComplaintNote, Finding, Inspection

    name = c["unit"].name
    c["complaint"] = Complaint.objects.create(
        receipt_code=f"R{c['unit'].code[-6:]}ABCDE", rule="hospitality", target_kind="cadre", target_name=c["cadre"].name,
        area_id=c["unit"].area_id, cadre=c["cadre"], unit=c["unit"], content=f"{name}举报内容",
        complainant_name=f"{name}举报人", complainant_contact="13900000001")
    ComplaintNote.objects.create(complaint=c["complaint"], text=f"{name}调查记录")
    c["inspection"] = Inspection.objects.create(year=TODAY.year, half=1, on=TODAY - timedelta(days=20), unit=c["unit"],
                                                area_id=c["unit"].area_id, checked=f"{name}督查内容", inspectors=f"{name}督查组")
    c["finding"] = Finding.objects.create(inspection=c["inspection"], text=f"{name}发现问题", deadline=TODAY - timedelta(days=5),
                                          evidence=f"{name}整改", evidence_file="rectifications/none.pdf")
    c["accountability"] = Accountability.objects.create(kind="talk", cadre=c["cadre"], basis=f"{name}评议结果", on=TODAY,
                                                        issued_by_id=c["unit"].area_id, text=f"{name}约谈")


@pytest.fixture(autouse=True)
def discipline_records(request):
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        _discipline(world["mine"])
        _discipline(world["other"])


PAGES.update({
    "discipline-office": lambda w: reverse("discipline-office"),
    "discipline-complaint-new": lambda w: reverse("discipline-complaint-new"),
    "discipline-complaint": lambda w: reverse("discipline-complaint", args=[_other(w, "complaint").pk]),
    "discipline-inspection-new": lambda w: reverse("discipline-inspection-new"),
    "discipline-inspection": lambda w: reverse("discipline-inspection", args=[_other(w, "inspection").pk]),
    "discipline-accountability-new": lambda w: reverse("discipline-accountability-new"),
    "discipline-file": lambda w: reverse("discipline-file", args=["rectification", _other(w, "finding").pk]),
    "discipline-file-complaint": lambda w: reverse("discipline-file", args=["complaint", _other(w, "complaint").pk]),
})
API_DETAILS.update({
    "complaint-detail": lambda w: _other(w, "complaint").pk,
    "inspection-detail": lambda w: _other(w, "inspection").pk,
    "accountability-record-detail": lambda w: _other(w, "accountability").pk,
})
# The public complaint pages answer to anyone; what they show is tested in tests/discipline/test_pages.py.
EXEMPT |= {"complaint-new", "complaint-receipt", "complaint-status"}
# A visit photo answers to the visit's visibility (tests/visits/test_photo_view.py).
EXEMPT |= {"visit-photo"}

# Who opens the discipline page (the roles over an area), and who sees the filer of a complaint
# of the county: the office and the inspection group, which handle it; not the leader.
DISCIPLINE_READERS = {"office", "office_ids", "leader", "inspector", "township_office"}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_roles_over_an_area_open_the_discipline_page(client, world, people, role):
    client.force_login(people[role])
    assert client.get(reverse("discipline-office")).status_code == (200 if role in DISCIPLINE_READERS else 403)


@pytest.mark.parametrize("role", ["office", "office_ids", "inspector", "leader"])
def test_the_filer_shows_only_to_the_handling_office(client, world, people, role):
    client.force_login(people[role])
    page = client.get(reverse("discipline-complaint", args=[world["mine"]["complaint"].pk])).content.decode()
    assert ("秦州区农业局举报人" in page) == (role != "leader")
    assert ("秦州区农业局调查记录" in page) == (role != "leader")


# --- typical cases, publication and lead units (docs/domain.md §13) ---------------------------------------

def _publicity(c: dict, *, publish: bool) -> None:
    """A case of the county's unit with a photo (published in 秦州区 only: the public pages then
    show nothing of 麦积区), and a lead unit with one meeting."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from publicity.models import CasePhoto, LeadMeeting, LeadUnit, TypicalCase

    case = TypicalCase.objects.create(category="industry", title=f"{c['unit'].name}典型", text=f"{c['unit'].name}事迹",
                                      area_id=c["village"].code[:6] + "000000", unit=c["unit"], cadre=c["cadre"],
                                      status="published" if publish else "submitted",
                                      published_at=datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai")) if publish else None)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    c["case"], c["case_photo"] = case, CasePhoto.objects.create(case=case, image=ContentFile(out.getvalue(), name="p.jpg"))
    c["lead"] = LeadUnit.objects.create(county_id=c["village"].code[:6] + "000000", year=TODAY.year, unit=c["unit"])
    LeadMeeting.objects.create(lead=c["lead"], on=date(TODAY.year, 3, 1), topic=f"{c['unit'].name}会商", attendees=5)


@pytest.fixture(autouse=True)
def publicity_records(request, settings, tmp_path):
    settings.PUBLICITY_PHOTOS_ROOT = tmp_path / "publicity"
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        _publicity(world["mine"], publish=True)
        _publicity(world["other"], publish=False)


PAGES.update({
    "publicity-cases": lambda w: reverse("publicity-cases"),
    "publicity-case-new": lambda w: reverse("publicity-case-new"),
    "publicity-case": lambda w: reverse("publicity-case", args=[_other(w, "case").pk]),
    "publicity-case-photo": lambda w: reverse("publicity-case-photo", args=[_other(w, "case_photo").pk]),
    "publicity-rounds": lambda w: reverse("publicity-rounds"),
    "publicity-leads": lambda w: reverse("publicity-leads") + f"?year={TODAY.year}",
    # The public pages (no sign-in): published records only, and nothing of 麦积区 is published.
    "public-index": lambda w: reverse("public-index"),
    "public-case": lambda w: reverse("public-case", args=[_other(w, "case").pk]),
    "public-photo": lambda w: reverse("public-photo", args=[_other(w, "case_photo").pk]),
    "public-results": lambda w: reverse("public-results", args=[TODAY.year]),
    # This county's case too: the review form and the published page (fuzzed with hostile input).
    "publicity-case-mine": lambda w: reverse("publicity-case", args=[w["mine"]["case"].pk]),
    "public-case-mine": lambda w: reverse("public-case", args=[w["mine"]["case"].pk]),
})
API_DETAILS.update({
    "typical-case-detail": lambda w: _other(w, "case").pk,
    "lead-unit-detail": lambda w: _other(w, "lead").pk,
})


def test_the_public_pages_show_the_published_case_to_anyone(client, world):
    page = client.get(reverse("public-index")).content.decode()
    assert "秦州区农业局典型" in page and MARKER not in page
    assert client.get(reverse("public-case", args=[world["mine"]["case"].pk])).status_code == 200
    assert client.get(reverse("public-photo", args=[world["mine"]["case_photo"].pk])).status_code == 200


@pytest.mark.parametrize("role", ["leader", "inspector", "cadre", "unit_admin"])
def test_only_offices_publish_evaluation_results(client, world, people, role):
    client.force_login(people[role])
    assert client.get(reverse("publicity-rounds")).status_code == 403


# --- projects and the household's papers (docs/domain.md §12) -------------------------------------------

def _projects(c: dict) -> None:
    """A project of the county's unit in its village."""
    from papers.models import Project

    c["project"] = Project.objects.create(unit=c["unit"], village=c["village"], kind="industry",
                                          title=f"{c['unit'].name}花椒基地", year=TODAY.year, money_planned=1000,
                                          money_spent=500, start=date(TODAY.year, 3, 1))


@pytest.fixture(autouse=True)
def projects(request):
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        _projects(world["mine"])
        _projects(world["other"])


PAGES.update({
    "papers-cards": lambda w: reverse("papers-cards") + f"?village={OTHER['village']}",
    "papers-cards-cadre": lambda w: reverse("papers-cards") + f"?cadre={_other(w, 'cadre').pk}",
    "papers-handbook": lambda w: reverse("papers-handbook", args=[OTHER["household"]]),
    "papers-diary": lambda w: reverse("papers-diary") + f"?cadre={_other(w, 'cadre').pk}",
    "papers-handbook-download": lambda w: reverse("papers-handbook-download") + f"?area={OTHER['area']}",
    "papers-handbook-download-own": lambda w: reverse("papers-handbook-download"),
    "papers-project-upload": lambda w: reverse("papers-project-upload"),
})
API_DETAILS["project-detail"] = lambda w: _other(w, "project").pk


@pytest.mark.parametrize("role", ROLES)
def test_only_offices_download_their_countys_handbooks(client, world, people, role):
    client.force_login(people[role])
    response = client.get(reverse("papers-handbook-download") + "?area=620502000000")
    if role in ("office", "office_ids"):
        assert response.status_code == 200 and response.streaming
        text = text_of(response)
        assert "秦州区户主" in text and MARKER not in text
    else:
        assert response.status_code in (403, 404)
