"""Writes of projects (项目, docs/domain.md §12): every door (admin, API, the import page) records
and corrects a project through ``record_project`` / ``update_project``, which check
``project_errors`` first."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext

from households.models import Area, AreaLevel
from pairing.models import Unit, VillagePairing
from shuanglian import freshness, scoping
from shuanglian.errors import DomainError

from .models import Project

FIELDS = ("unit", "office_area", "village", "kind", "title", "year", "money_planned", "money_spent", "spent_note",
          "status", "people_trained", "people_helped", "start", "end")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
SHEET = "项目"  # the upload sheet's name: problems are named 项目!ROW, in Chinese like the roster's


def _amount(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(gettext("金额应为数字。"))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(gettext("金额不能为负数。"))
        return None
    return amount.quantize(Decimal("0.01"))


def project_errors(writer, values: dict, *, paired: bool | None = None) -> dict[str, list[str]]:
    """Every rule of a project, keyed by field: who brings it (a unit or an office), where (a
    village the unit is paired with, in the office's area), the writer's right to enter it, the
    amounts (not negative; spent above planned only with a note), counts and dates.
    ``paired`` lets a bulk caller pass the unit–village pairing it looked up itself."""
    errors: dict[str, list[str]] = {}
    unit: Unit | None = values.get("unit")
    office_area: Area | None = values.get("office_area")
    village: Area | None = values.get("village")
    if not scoping.may_change(writer):
        errors.setdefault("__all__", []).append(gettext("您的角色只能查看，不能登记项目。"))
    if (unit is None) == (office_area is None):
        errors.setdefault("unit", []).append(gettext("请填写实施单位或实施双联办，二者选一。"))
    if village is None or village.level != AreaLevel.VILLAGE:
        errors.setdefault("village", []).append(gettext("请选择一个村（社区）。"))
    elif unit is not None:
        if paired is None:
            paired = VillagePairing.objects.filter(unit=unit, village=village).exists()
        if not paired:
            errors.setdefault("village", []).append(
                gettext("%(unit)s未联系%(village)s，不能为该村登记项目。") % {"unit": unit.name, "village": village.name})
        if not (scoping.is_own_unit(writer, unit.pk) or scoping.governs_area(writer, village.code)):
            errors.setdefault("unit", []).append(gettext("只能登记本单位或本辖区的项目。"))
    elif office_area is not None:
        if not village.code.startswith(office_area.prefix):
            errors.setdefault("village", []).append(
                gettext("%(village)s不在%(area)s范围内。") % {"village": village.name, "area": office_area.name})
        if not scoping.governs_area(writer, office_area.code):
            errors.setdefault("office_area", []).append(gettext("只能登记本辖区双联办的项目。"))
    if values.get("kind") not in Project.Kind.values:
        errors.setdefault("kind", []).append(gettext("请选择项目类别。"))
    if values.get("status", Project.Status.PLANNED) not in Project.Status.values:
        errors.setdefault("status", []).append(gettext("请选择项目状态。"))
    if not (values.get("title") or "").strip():
        errors.setdefault("title", []).append(gettext("请填写项目名称。"))
    year = values.get("year")
    if not isinstance(year, int) or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        errors.setdefault("year", []).append(gettext("年度应在%(first)s至%(last)s之间。") % {
            "first": EARLIEST_YEAR, "last": LATEST_YEAR})
    planned = _amount(values.get("money_planned"), "money_planned", errors)
    spent = _amount(values.get("money_spent"), "money_spent", errors)
    if planned is not None and spent is not None and spent > planned and not (values.get("spent_note") or "").strip():
        errors.setdefault("spent_note", []).append(gettext("到位资金超过计划资金，请填写超计划说明。"))
    for field in ("people_trained", "people_helped"):
        count = values.get(field) or 0
        if not isinstance(count, int) or count < 0:
            errors.setdefault(field, []).append(gettext("人数不能为负数。"))
    start, end = values.get("start"), values.get("end")
    if start is None:
        errors.setdefault("start", []).append(gettext("请填写开始日期。"))
    elif end is not None and end < start:
        errors.setdefault("end", []).append(gettext("完成日期不能早于开始日期。"))
    return errors


def check_project(writer, values: dict, **kwargs) -> None:
    errors = project_errors(writer, values, **kwargs)
    if errors:
        raise DomainError(errors)


def _clean(values: dict) -> dict:
    data = {f: values.get(f) for f in FIELDS if f in values}
    data["title"] = (data.get("title") or "").strip()
    data["spent_note"] = (data.get("spent_note") or "").strip()
    for field in ("money_planned", "money_spent"):
        data[field] = Decimal(str(data.get(field) or 0)).quantize(Decimal("0.01"))
    for field in ("people_trained", "people_helped"):
        data[field] = data.get(field) or 0
    data.setdefault("status", Project.Status.PLANNED)
    return data


def record_project(writer, **values) -> Project:
    check_project(writer, values)
    user = getattr(writer, "pk", None) and writer
    return Project.objects.create(**_clean(values), created_by=user if getattr(user, "is_authenticated", False) else None)


def update_project(writer, project: Project, **values) -> Project:
    check_project(writer, values)
    for field, value in _clean(values).items():
        setattr(project, field, value)
    project.save()
    return project


def import_projects(writer, rows: list[dict]) -> list[Project]:
    """All or nothing: every row checked first (the unit–village pairings looked up at once);
    on any problem nothing is stored and the problems name their row (``项目!ROW``)."""
    pairs = {(u, v) for u, v in VillagePairing.objects.filter(
        unit__in={r["unit"].pk for r in rows if r.get("unit")}).values_list("unit_id", "village_id")}
    problems: list[str] = []
    for row in rows:
        unit, village = row.get("unit"), row.get("village")
        paired = (unit.pk, village.code) in pairs if unit and village else None
        for field, messages in project_errors(writer, row, paired=paired).items():
            problems += [f"{SHEET}!{row['_row']} {message}" for message in messages]
        problems += [f"{SHEET}!{row['_row']} {message}" for message in row.get("_problems", [])]
    if problems:
        raise DomainError(problems)
    user = writer if getattr(writer, "is_authenticated", False) else None
    with transaction.atomic():
        created = Project.objects.bulk_create([Project(**_clean(row), created_by=user) for row in rows])
        # Written in bulk, so without the per-row renewal: the villages' figures are renewed here.
        freshness.touch_villages(p.village_id for p in created)
        return created
