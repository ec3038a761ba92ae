"""Writes of the publicity app: typical cases and their review, the publication of evaluation
results, lead units and their meetings. Every door (pages, API, seeding) calls these; each
raises ``DomainError`` with the message a clerk reads and stores nothing when it does."""
from __future__ import annotations

import uuid
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.access import visible_villages
from households.models import Area, AreaLevel
from pairing.access import visible_cadres, visible_units
from shuanglian import scoping
from shuanglian.errors import DomainError
from visits.photos import prepare_photo

from .models import CaseCategory, CasePhoto, CaseStatus, LeadMeeting, LeadUnit, RoundPublication, TypicalCase

PHOTOS_PER_CASE = 6
EARLIEST_YEAR = 2012  # the campaign began in 2012


# --- typical cases ---------------------------------------------------------------------------------------

def case_area(scope, *, village=None, unit=None, cadre=None) -> str | None:
    """The area whose office reviews the case: the village concerned, else the unit's seat (an
    office keeps a case about a unit seated above it in its own area)."""
    if village is not None:
        return village.code
    seat = unit.area_id if unit is not None else (cadre.unit.area_id if cadre is not None else None)
    if scoping.is_office(scope) and not scoping.sees_everything(scope) and (seat is None or not scoping.governs_area(scope, seat)):
        return scoping.own_area_code(scope)
    return seat


def case_errors(scope, *, title: str, text: str, village=None, unit=None, cadre=None) -> dict[str, list[str]]:
    """Every problem of a case as its submitter would store it, keyed by field."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not scoping.may_change(scope) or not (scoping.is_office(scope) or scoping.is_unit_admin(scope)):
        add("__all__", _("只有双联办和单位管理员可以报送典型。"))
        return errors
    if not (title or "").strip():
        add("title", _("请填写标题。"))
    if not (text or "").strip():
        add("text", _("请填写事迹材料。"))
    if unit is not None and not visible_units(scope).filter(pk=unit.pk).exists():
        add("unit", _("单位“%(name)s”不在您的管辖范围内。") % {"name": unit.name})
    if cadre is not None:
        if not visible_cadres(scope).filter(pk=cadre.pk).exists():
            add("cadre", _("干部“%(name)s”不在您的管辖范围内。") % {"name": cadre.name})
        elif unit is not None and cadre.unit_id != unit.pk:
            add("cadre", _("干部“%(name)s”不属于所选单位。") % {"name": cadre.name})
    if village is not None and not visible_villages(scope).filter(pk=village.pk).exists():
        add("village", _("“%(name)s”不在您的管辖范围内。") % {"name": village.name})
    if not errors and case_area(scope, village=village, unit=unit, cadre=cadre) is None:
        add("__all__", _("请选择所涉村、单位或干部。"))
    return errors


def check_case(scope, **fields) -> None:
    errors = case_errors(scope, **fields)
    if errors:
        raise DomainError(errors)


def prepare_case_photos(uploads: list) -> list:
    """Every photo checked (size, type, pixels) before anything is stored."""
    if len(uploads) > PHOTOS_PER_CASE:
        raise DomainError({"photos": ngettext("每个典型最多%(n)s张照片。", "每个典型最多%(n)s张照片。", PHOTOS_PER_CASE)
                           % {"n": PHOTOS_PER_CASE}})
    return [prepare_photo(upload) for upload in uploads]


def submit_case(*, by, category: str, title: str, text: str, village=None, unit=None, cadre=None, photos=(),
                key: uuid.UUID | None = None) -> tuple[TypicalCase, bool]:
    """Store a case and its photos, or nothing. A unit administrator's case is its unit's. The
    same ``key`` sent again by its submitter returns the first case (``created`` False)."""
    scope = scoping.scope_for(by)
    if key is not None:
        earlier = TypicalCase.objects.filter(key=key).first()
        if earlier is not None:
            if earlier.submitted_by_id != by.pk:
                raise DomainError(_("提交标识已被使用，请刷新页面后重新填写。"))
            return earlier, False
    if unit is None and scoping.is_unit_admin(scope):
        unit = visible_units(scope).first()
    check_case(scope, title=title, text=text, village=village, unit=unit, cadre=cadre)
    if category not in CaseCategory.values:
        raise DomainError({"category": _("请选择类别。")})
    files = prepare_case_photos(list(photos))
    try:
        with transaction.atomic():
            case = TypicalCase.objects.create(
                category=category, title=title.strip(), text=text.strip(), village=village, unit=unit, cadre=cadre,
                area_id=case_area(scope, village=village, unit=unit, cadre=cadre), submitted_by=by, key=key)
            for n, content in enumerate(files, 1):
                CasePhoto.objects.create(case=case, image=ContentFile(content.read(), name=f"case{case.pk}-{n}.jpg"))
    except IntegrityError:  # the same key, sent twice at once: the other request stored it
        earlier = TypicalCase.objects.filter(key=key).first() if key else None
        if earlier is None or earlier.submitted_by_id != by.pk:
            raise
        return earlier, False
    return case, True


def may_review(user_or_scope, case: TypicalCase) -> bool:
    """The office of the case's area (or above) reviews it."""
    return scoping.is_office(user_or_scope) and scoping.governs_area(user_or_scope, case.area_id)


def review_case(*, case: TypicalCase, by, publish: bool, reason: str = "") -> TypicalCase:
    """Publish a submitted case, or return it (a submitted or a published one) with a reason."""
    if not may_review(by, case):
        raise DomainError(_("该典型不在您的审核范围内。"))
    reason = (reason or "").strip()
    if publish:
        if case.status != CaseStatus.SUBMITTED:
            raise DomainError(_("只有待审核的典型可以发布。"))
        case.status, case.published_at, case.return_reason = CaseStatus.PUBLISHED, timezone.now(), ""
    else:
        if case.status == CaseStatus.RETURNED:
            raise DomainError(_("该典型已退回。"))
        if not reason:
            raise DomainError({"reason": _("退回时请填写原因。")})
        case.status, case.published_at, case.return_reason = CaseStatus.RETURNED, None, reason[:200]
    case.reviewed_by = by
    case.save(update_fields=["status", "published_at", "return_reason", "reviewed_by"])
    return case


# --- publication of evaluation results ---------------------------------------------------------------------

def may_publish(user_or_scope, rnd) -> bool:
    """The office of the round's area (or above) publishes its results."""
    return scoping.is_office(user_or_scope) and scoping.governs_area(user_or_scope, rnd.area_id)


def publish_round(*, rnd, by) -> RoundPublication:
    """Put a closed round's results and grades on the public page."""
    if not may_publish(by, rnd):
        raise DomainError(_("该评议轮次不在您的管辖范围内。"))
    if not rnd.is_closed:
        raise DomainError(_("%(round)s尚未结束，结束评议并固定结果后才能公开。") % {"round": rnd})
    publication, _created = RoundPublication.objects.update_or_create(
        round=rnd, defaults={"year": rnd.year, "published": True, "changed_by": by})
    return publication


def unpublish_round(*, rnd, by) -> RoundPublication | None:
    if not may_publish(by, rnd):
        raise DomainError(_("该评议轮次不在您的管辖范围内。"))
    publication = RoundPublication.objects.filter(round=rnd).first()
    if publication is None or not publication.published:
        raise DomainError(_("%(round)s的结果尚未公开。") % {"round": rnd})
    publication.published, publication.changed_by = False, by
    publication.save(update_fields=["published", "changed_by", "changed_at"])
    return publication


# --- lead units and their meetings ------------------------------------------------------------------------

def lead_unit_errors(scope, *, county: Area, year: int, unit, existing: LeadUnit | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if county is None or county.level != AreaLevel.COUNTY:
        errors["county"] = [_("请选择县（市、区）。")]
    elif not (scoping.is_office(scope) and scoping.governs_area(scope, county.code)):
        errors["county"] = [_("“%(name)s”不在您的管辖范围内。") % {"name": county.name}]
    if not year or not EARLIEST_YEAR <= year <= timezone.localdate().year + 1:
        errors["year"] = [_("年度应在%(first)s年至明年之间。") % {"first": EARLIEST_YEAR}]
    if unit is None or not visible_units(scope).filter(pk=unit.pk).exists():
        errors["unit"] = [_("请选择您管辖范围内的单位。")]
    if not errors:
        taken = LeadUnit.objects.filter(county=county, year=year)
        if existing is not None:
            taken = taken.exclude(pk=existing.pk)
        if taken.exists():
            errors["county"] = [_("%(county)s%(year)s年度已确定牵头单位。") % {"county": county.name, "year": year}]
    return errors


def record_lead_unit(*, county: Area, year: int, unit, by) -> LeadUnit:
    errors = lead_unit_errors(scoping.scope_for(by), county=county, year=year, unit=unit)
    if errors:
        raise DomainError(errors)
    return LeadUnit.objects.create(county=county, year=year, unit=unit, entered_by=by)


def meeting_errors(scope, *, lead: LeadUnit, on: date | None, topic: str, attendees: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if lead is None or not (scoping.is_office(scope) and scoping.governs_area(scope, lead.county_id)):
        return {"lead": [_("请选择您管辖范围内的牵头单位。")]}
    if on is None:
        errors["on"] = [_("请填写会议日期。")]
    elif on.year != lead.year:
        errors["on"] = [_("会议日期应在%(year)s年内。") % {"year": lead.year}]
    elif on > timezone.localdate():
        errors["on"] = [_("会议日期不能晚于今天。")]
    if not (topic or "").strip():
        errors["topic"] = [_("请填写会议议题。")]
    if not attendees or attendees < 1:
        errors["attendees"] = [_("参会人数至少为1人。")]
    return errors


def record_meeting(*, lead: LeadUnit, on: date, topic: str, attendees: int, by) -> LeadMeeting:
    errors = meeting_errors(scoping.scope_for(by), lead=lead, on=on, topic=topic, attendees=attendees)
    if errors:
        raise DomainError(errors)
    return LeadMeeting.objects.create(lead=lead, on=on, topic=topic.strip(), attendees=attendees, entered_by=by)
