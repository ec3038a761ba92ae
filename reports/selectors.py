"""Reads of the reports app: which reports and monthly submissions a user sees, which units
report to an office, the on-time picture of a month and the roll-up of approved reports, a
unit's recent months, and what the print page and a submission show of stored figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, Exists, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from households.access import visible_areas
from households.models import Area, AreaLevel, Household
from pairing.access import units_reporting_to, visible_units
from pairing.models import HouseholdPairing, Role, Unit, VillagePairing
from shuanglian import scoping
from shuanglian.helpers import in_batches, pad_area_code

from .access import visible_submissions
from .figures import AREA_COLUMNS, BEHIND_COLUMNS, GROUPS, MONEY, PERCENT, UNIT_COLUMNS
from .models import MonthlySubmission, Report, SubmissionPolicy
from .periods import month_end, next_month

# --- reports ------------------------------------------------------------------------------------------

def may_use_reports(user_or_scope) -> bool:
    scope = scoping.as_scope(user_or_scope)
    return not scope.is_empty and not scoping.is_cadre(scope)


def requestable_areas(scope: scoping.Scope) -> QuerySet[Area]:
    """Areas a user may request a report for: their own area and the levels down to the
    township (a unit administrator reports on the unit, not on areas)."""
    if not scoping.sees_region(scope):
        return Area.objects.none()
    return visible_areas(scope).exclude(level=AreaLevel.VILLAGE).order_by("code")


def requestable_units(scope: scoping.Scope) -> QuerySet[Unit]:
    if scope.is_empty or scoping.is_cadre(scope):
        return Unit.objects.none()
    return visible_units(scope).order_by("code")


def area_initial(scope: scoping.Scope) -> dict:
    """The area a request or ledger form starts on: an office's or leader's own area."""
    code = scoping.own_area_code(scope)
    return {"area": code} if code else {}


def request_initial(scope: scoping.Scope, *, last_month: date) -> dict:
    """What the report request form starts with: last month's monthly report of the user's own area or unit."""
    initial = {"kind": Report.Kind.MONTHLY, "period": f"{last_month:%Y-%m}", **area_initial(scope)}
    if scoping.is_unit_admin(scope):
        initial["unit"] = scope.unit_id
    return initial


def reporting_areas() -> QuerySet[Area]:
    """Areas that get a scheduled report: the province, cities, counties and townships that
    hold registered households (a township code is the first nine digits of a village code)."""
    townships = set(Household.objects.annotate(t=Substr("village_id", 1, 9)).values_list("t", flat=True).distinct().order_by())
    codes = set()
    for t in townships:
        codes.update(Area.lineage(pad_area_code(t)))
    return Area.objects.filter(code__in=codes).exclude(level=AreaLevel.VILLAGE).order_by("code")


def active_units(*, start: date, end: date) -> QuerySet[Unit]:
    """Units with a village pairing or a cadre's household pairing in force at some time in [start, end]."""
    overlapping = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    villages = VillagePairing.objects.filter(overlapping, unit=OuterRef("pk"))
    households = HouseholdPairing.objects.filter(overlapping, cadre__unit=OuterRef("pk"))
    return Unit.objects.filter(Exists(villages) | Exists(households))


# --- on-time reporting ------------------------------------------------------------------------------

def approved_months_sql() -> str:
    """The months of ``approved_months``, of every unit, as a SELECT of ``unit_id`` and
    ``month``: a logged trip asks it in the statement of its other facts (``visits.locks``)."""
    meta = MonthlySubmission._meta
    qn = connection.ops.quote_name
    approved = MonthlySubmission.Status.APPROVED.value
    if not approved.isidentifier():  # written into the text: a plain word, never a quote
        raise ValueError(approved)
    return (f"SELECT {qn(meta.get_field('unit').column)} AS unit_id, {qn(meta.get_field('month').column)} AS month "
            f"FROM {qn(meta.db_table)} WHERE {qn(meta.get_field('status').column)} = '{approved}'")


def approved_months(unit_ids) -> set[tuple[int, date]]:
    """(unit id, first day of the month) of every month of these units whose monthly report is
    approved: the months they may no longer change. Registered as the lock source of
    ``visits.locks`` (see ``ReportsConfig.ready``), asked on every trip logged: one plain
    statement per batch of units."""
    meta = MonthlySubmission._meta
    qn = connection.ops.quote_name
    found: set[tuple[int, date]] = set()
    for batch in in_batches(sorted(set(unit_ids))):
        sql = (f"SELECT {qn(meta.get_field('unit').column)}, {qn(meta.get_field('month').column)} FROM {qn(meta.db_table)} "
               f"WHERE {qn(meta.get_field('status').column)} = %s "
               f"AND {qn(meta.get_field('unit').column)} IN ({', '.join(['%s'] * len(batch))})")
        with connection.cursor() as cursor:
            cursor.execute(sql, [MonthlySubmission.Status.APPROVED, *batch])
            found.update((unit_id, month if isinstance(month, date) else date.fromisoformat(str(month)))
                         for unit_id, month in cursor.fetchall())  # SQLite returns text
    return found


def may_review(user, unit: Unit) -> bool:
    """Offices review monthly reports (the system administrator too) of the units seated in their
    area; leaders only read."""
    scope = scoping.as_scope(user)
    return scoping.is_office(scope) and units_reporting_to(scope).filter(pk=unit.pk).exists()


def may_submit(user, unit: Unit) -> bool:
    scope = scoping.as_scope(user)
    return scoping.sees_everything(scope) or scoping.is_own_unit(scope, unit.pk)


def policy_for(unit_area_code: str, policies=None) -> SubmissionPolicy | None:
    """The deadline rule for a unit: the most specific area containing the unit's seat (among
    ``policies`` when the caller has loaded them for many units)."""
    policies = SubmissionPolicy.objects.all() if policies is None else policies
    candidates = [p for p in policies if unit_area_code.startswith(p.area_prefix)]
    return max(candidates, key=lambda p: len(p.area_prefix), default=None)


DEFAULT_DUE_DAY = 5


def deadline(*, unit: Unit, month: date, policies=None) -> date:
    """Day N of the month after the reported one (N from the policy, 5 by default)."""
    policy = policy_for(unit.area_id, policies)
    return next_month(month).replace(day=policy.due_day if policy else DEFAULT_DUE_DAY)


@dataclass(frozen=True)
class MonthRow:
    unit: Unit
    submission: MonthlySubmission | None
    due: date

    @property
    def state(self) -> str:
        return self.submission.status if self.submission else "missing"

    @property
    def overdue(self) -> bool:
        """Not submitted and past the deadline."""
        from django.utils import timezone

        return self.submission is None and timezone.localdate() > self.due


def month_overview(*, scope: scoping.Scope, month: date) -> list[MonthRow]:
    """Every unit that owes the office a report for the month (active in the month), with its
    submission if any. Missing reports first, then by unit code."""
    units = (units_reporting_to(scope) & active_units(start=month, end=month_end(month))).select_related("area").order_by("code")
    submissions = {s.unit_id: s for s in MonthlySubmission.objects.filter(month=month, unit__in=units).select_related("submitted_by", "reviewed_by")}
    policies = list(SubmissionPolicy.objects.all())
    rows = [MonthRow(u, submissions.get(u.pk), submissions[u.pk].due if u.pk in submissions
                     else deadline(unit=u, month=month, policies=policies)) for u in units]
    rows.sort(key=lambda r: (r.submission is not None, r.unit.code))
    return rows


def unit_months(*, unit: Unit, latest: date, count: int = 6) -> list[tuple[date, MonthlySubmission | None, date]]:
    """A unit's last ``count`` months up to ``latest``, newest first: (month, its submission
    if any, its deadline)."""
    months, month = [], latest
    for _i in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    existing = {s.month: s for s in MonthlySubmission.objects.filter(unit=unit, month__in=months)}
    return [(m, existing.get(m), existing[m].due if m in existing else deadline(unit=unit, month=m)) for m in months]


def month_summary(*, scope: scoping.Scope, month: date) -> dict:
    """The office's page of a month: every unit's row, the counts above them, and the roll-up
    of the approved reports as table rows."""
    rows = month_overview(scope=scope, month=month)
    counts = {
        "expected": len(rows),
        "missing": sum(1 for r in rows if r.submission is None),
        "overdue": sum(1 for r in rows if r.overdue),
        "late": sum(1 for r in rows if r.submission and r.submission.late),
        "waiting": sum(1 for r in rows if r.state == MonthlySubmission.Status.SUBMITTED),
        "approved": sum(1 for r in rows if r.state == MonthlySubmission.Status.APPROVED),
    }
    summed = rollup(scope=scope, month=month)
    keys = [key for key, _label in ROLLUP_KEYS]
    return {
        "rows": rows, "counts": counts, "rollup": summed, "rollup_keys": ROLLUP_KEYS,
        "rollup_rows": [(u["unit__name"], [u[k] for k in keys]) for u in summed["units"]],
        "rollup_total": [summed["total"][k] for k in keys],
    }


ROLLUP_KEYS = [
    ("households_paired", _("结对农户")), ("cadres_due", _("应走访干部")), ("cadres_on_track", _("达标干部")),
    ("visits", _("走访次数")), ("visit_days", _("走访天数")), ("unit_visits", _("单位进村次数")),
    ("demands_collected", _("收集诉求")), ("demands_resolved", _("办结诉求")), ("demands_escalated", _("上报诉求")),
    ("deeds", _("帮办实事")), ("funds", _("帮扶资金（元）")), ("people_trained", _("培训人数")), ("exits", _("本年脱贫户")),
]
MONEY_KEYS = {"funds"}


def _figure(key: str):
    text = KT(f"figures__summary__{key}")
    if key in MONEY_KEYS:
        return Coalesce(Sum(Cast(text, DecimalField(max_digits=16, decimal_places=2))), 0, output_field=DecimalField())
    return Coalesce(Sum(Cast(text, IntegerField())), 0)


def rollup(*, scope: scoping.Scope, month: date) -> dict:
    """The approved reports of a month for the office's units: a row per unit and the total,
    summed by the database from the figures each unit submitted."""
    approved = visible_submissions(scope).filter(month=month, status=MonthlySubmission.Status.APPROVED)
    aggregates = {key: _figure(key) for key, _label in ROLLUP_KEYS}
    units = list(approved.values("unit__code", "unit__name").annotate(**aggregates).order_by("unit__code"))
    total = approved.aggregate(**aggregates)
    return {"units": units, "total": total, "count": len(units)}


def unit_admins(unit_ids) -> QuerySet[Role]:
    return Role.objects.filter(kind=Role.Kind.UNIT_ADMIN, unit_id__in=unit_ids, user__is_active=True).select_related("user", "unit")


# --- stored figures as pages show them ------------------------------------------------------------

def figure_rows(summary: dict) -> list[tuple[str, list[tuple[str, object, str]]]]:
    """The summary figures by group: (group, [(label, value, kind)])."""
    rows = []
    for group, figures in GROUPS:
        rows.append((group, [(f.label, summary.get(f.key, ""), f.kind) for f in figures]))
    return rows


def figure_table(columns, rows: list[dict], *, total: bool) -> dict:
    """A table of stored rows under the columns' headers, with the total row when asked."""
    keys = [key for key, _label in columns]
    body = [[row.get(key, "") for key in keys] for row in rows]
    sums = None
    if total and rows:
        sums = [gettext_now("合计") if key == "code" else "" if key == "name" else
                (str(sum(Decimal(r.get(key) or 0) for r in rows)) if key == "funds" else sum(r.get(key) or 0 for r in rows))
                for key in keys]
    return {"headers": [label for _key, label in columns], "rows": body, "total": sums,
            "text_columns": sum(1 for key in keys if key in ("code", "name"))}


def print_context(report: Report) -> dict:
    """What the print page (the paper archive) shows: the stored figures, as in the Excel file."""
    figures = report.figures or {}
    tables = []
    if figures.get("units"):
        tables.append((gettext_now("各单位情况"), figure_table(UNIT_COLUMNS, figures["units"], total=True)))
    if figures.get("areas"):
        tables.append((gettext_now("下级区划情况"), figure_table(AREA_COLUMNS, figures["areas"], total=True)))
    if "behind" in figures:
        tables.append((gettext_now("进度滞后干部"), figure_table(BEHIND_COLUMNS, figures["behind"], total=False)))
    return {"report": report, "figures": figures, "groups": figure_rows(figures.get("summary", {})), "tables": tables,
            "MONEY": MONEY, "PERCENT": PERCENT}


def submission_figures(submission: MonthlySubmission) -> dict:
    """What a submission's page shows of the figures taken at submission."""
    figures = submission.figures or {}
    return {
        "groups": figure_rows(figures.get("summary", {})),
        "behind": figure_table(BEHIND_COLUMNS, figures.get("behind", []), total=False) if figures.get("behind") else None,
        "MONEY": MONEY, "PERCENT": PERCENT,
    }
