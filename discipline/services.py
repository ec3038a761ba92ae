"""Writes of discipline (docs/domain.md §13), one function per act, the same at every door
(public page, office pages, admin): each checks its rules and raises ``DomainError`` with the
message a clerk or a villager reads; nothing is stored on a refusal."""
from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from households.models import Area, AreaLevel
from pairing.models import Cadre, Role, Unit
from shuanglian.errors import DomainError
from visits.photos import prepare_photo

from .access import handles, handles_area, signs_off
from .models import Accountability, Complaint, ComplaintNote, Finding, Inspection, Rule, Target

# No 0/O, 1/I/L: a code read out on the phone is typed back without doubt. 31^12 ≈ 7.9e17.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
TEXT_MAX = 2000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def new_receipt_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:CODE_LENGTH * 2]


def find_complaint(code: str) -> Complaint | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return Complaint.objects.filter(receipt_code=code).first()


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError({field: message})
    if len(value) > TEXT_MAX:
        raise DomainError({field: gettext("内容过长（最多%(n)s字）。") % {"n": TEXT_MAX}})
    return value


def _photo(upload, field: str):
    try:
        return prepare_photo(upload)
    except DomainError as exc:
        raise DomainError({field: [m for ms in exc.message_dict.values() for m in ms]}) from None


# --- complaints ---------------------------------------------------------------------------------------

def _match(kind: str, name: str, prefix: str) -> dict:
    """The cadre, unit or village of that name in the area, where exactly one has it."""
    if kind == Target.CADRE:
        found = list(Cadre.objects.filter(name=name, unit__area__code__startswith=prefix).select_related("unit")[:2])
        return {"cadre": found[0], "unit": found[0].unit} if len(found) == 1 else {}
    if kind == Target.UNIT:
        found = list(Unit.objects.filter(name=name, area__code__startswith=prefix)[:2])
        return {"unit": found[0]} if len(found) == 1 else {}
    if kind == Target.VILLAGE:
        found = list(Area.objects.filter(name=name, code__startswith=prefix, level=AreaLevel.VILLAGE)[:2])
        return {"village": found[0]} if len(found) == 1 else {}
    return {}


def handler_for(code: str) -> Role | None:
    """The inspection group nearest above the area (the deepest whose area holds it), else the nearest office."""
    candidates = Role.objects.filter(kind__in=[Role.Kind.INSPECTOR, Role.Kind.OFFICE], area_id__in=Area.lineage(code),
                                     user__is_active=True).select_related("user")
    best = sorted(candidates, key=lambda r: (r.kind != Role.Kind.INSPECTOR, -len(Area.prefix_of(r.area_id)), r.pk))
    return best[0] if best else None


def file_complaint(*, rule: str, target_kind: str, target_name: str, area: Area, content: str, name: str = "",
                   contact: str = "", photo=None, key: uuid.UUID | None = None, channel: str = Complaint.Channel.WEB,
                   by=None) -> tuple[Complaint, bool]:
    """Register a complaint (the public page, or an office taking a call): (the complaint,
    whether this call stored it). The same key again returns the first complaint."""
    if key is not None and (existing := Complaint.objects.filter(idempotency_key=key).first()):
        return existing, False
    if rule not in Rule.values:
        raise DomainError({"rule": gettext("请选择问题类别。")})
    if target_kind not in Target.values:
        raise DomainError({"target_kind": gettext("请选择举报对象类型。")})
    target_name = _text(target_name, "target_name", gettext("请填写被举报的干部、单位或村的名称。"))[:100]
    content = _text(content, "content", gettext("请填写举报内容。"))
    if area is None or area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE):
        raise DomainError({"area": gettext("请选择所在县（区）。")})
    found = _match(target_kind, target_name, Area.prefix_of(area.code))
    where = (found["village"].code if "village" in found else found["unit"].area_id if "unit" in found else area.code)
    image = _photo(photo, "photo") if photo else None
    complaint = Complaint(
        receipt_code=new_receipt_code(), channel=channel, rule=rule, target_kind=target_kind, target_name=target_name,
        area_id=where, cadre=found.get("cadre"), unit=found.get("unit"), village=found.get("village"),
        assigned_to=handler_for(where), content=content, complainant_name=(name or "").strip()[:50],
        complainant_contact=(contact or "").strip()[:50], idempotency_key=key, entered_by=by)
    try:
        with transaction.atomic():
            if image is not None:
                complaint.photo.save(image.name, image, save=False)
            complaint.save()
    except IntegrityError:
        if key is not None and (existing := Complaint.objects.filter(idempotency_key=key).first()):
            return existing, False
        raise
    return complaint, True


def _may_handle(by, complaint: Complaint) -> None:
    if not handles(by, complaint):
        raise DomainError(gettext("只有该区划的督查组或双联办可以办理此举报。"))


def add_note(*, complaint: Complaint, text: str, by) -> ComplaintNote:
    """An investigation note; the first one moves the complaint to 调查中."""
    _may_handle(by, complaint)
    if complaint.status == Complaint.Status.CLOSED:
        raise DomainError(gettext("该举报已办结，不能再添加调查记录。"))
    text = _text(text, "text", gettext("请填写调查情况。"))
    with transaction.atomic():
        note = ComplaintNote.objects.create(complaint=complaint, text=text, by=by)
        if complaint.status == Complaint.Status.RECEIVED:
            complaint.status = Complaint.Status.INVESTIGATING
            complaint.save(update_fields=["status"])
    return note


def close_complaint(*, complaint: Complaint, finding: str, text: str, by) -> Complaint:
    """Close with a finding (属实 / 不属实) and the text the filer reads."""
    _may_handle(by, complaint)
    if complaint.status == Complaint.Status.CLOSED:
        raise DomainError(gettext("该举报已办结。"))
    if finding not in Complaint.Finding.values:
        raise DomainError({"finding": gettext("办结须选择查处结论（属实或不属实）。")})
    text = _text(text, "finding_text", gettext("办结须填写办结意见（举报人可见）。"))
    complaint.status, complaint.finding, complaint.finding_text = Complaint.Status.CLOSED, finding, text
    complaint.closed_at, complaint.closed_by = timezone.now(), by
    complaint.save(update_fields=["status", "finding", "finding_text", "closed_at", "closed_by"])
    return complaint


# --- inspections and rectifications --------------------------------------------------------------------

def record_inspection(*, year: int, half: int, on: date, checked: str, inspectors: str, by, unit: Unit | None = None,
                      village: Area | None = None) -> Inspection:
    if (unit is None) == (village is None):
        raise DomainError({"unit": gettext("请选择督查的单位或村（二选一）。")})
    if village is not None and village.level != AreaLevel.VILLAGE:
        raise DomainError({"village": gettext("督查对象须为村（社区）。")})
    where = unit.area_id if unit is not None else village.code
    if not handles_area(by, where):
        raise DomainError(gettext("只能督查本区划的单位和村。"))
    if half not in Inspection.Half.values:
        raise DomainError({"half": gettext("请选择上半年或下半年。")})
    if on.year != year or (on.month <= 6) != (half == Inspection.Half.FIRST):
        raise DomainError({"on": gettext("督查日期不在所选的半年内。")})
    checked = _text(checked, "checked", gettext("请填写督查内容。"))
    inspectors = (inspectors or "").strip()
    if not inspectors:
        raise DomainError({"inspectors": gettext("请填写督查人员。")})
    return Inspection.objects.create(year=year, half=half, on=on, unit=unit, village=village, area_id=where,
                                     checked=checked, inspectors=inspectors[:200], created_by=by)


def add_finding(*, inspection: Inspection, text: str, deadline: date, by) -> Finding:
    if not handles_area(by, inspection.area_id):
        raise DomainError(gettext("只能登记本区划督查发现的问题。"))
    text = _text(text, "text", gettext("请填写发现的问题。"))
    if deadline < inspection.on:
        raise DomainError({"deadline": gettext("整改期限不能早于督查日期。")})
    return Finding.objects.create(inspection=inspection, text=text, deadline=deadline)


def _evidence_file(upload):
    """A photo (checked and re-encoded as visit photos are) or a PDF (checked by its header)."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise DomainError({"evidence_file": gettext("文件“%(name)s”超过%(size)s MB。")
                           % {"name": upload.name, "size": EVIDENCE_MAX_BYTES // (1024 * 1024)}})
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return ContentFile(upload.read(), name="evidence.pdf")
    try:
        return _photo(upload, "evidence_file")
    except DomainError:
        raise DomainError({"evidence_file": gettext("“%(name)s”不是可识别的照片或PDF文件。") % {"name": upload.name}}) from None


def close_rectification(*, finding: Finding, evidence: str, by, file=None, on: date | None = None) -> Finding:
    """The office signs the rectification off (销号) with its evidence; never without."""
    if not signs_off(by, finding.inspection.area_id):
        raise DomainError(gettext("只有该区划的双联办可以整改销号。"))
    if finding.is_closed:
        raise DomainError(gettext("该问题已整改销号。"))
    evidence = _text(evidence, "evidence", gettext("整改销号须填写整改情况（佐证）。"))
    stored = _evidence_file(file) if file else None
    finding.evidence, finding.closed_on, finding.closed_by = evidence, on or timezone.localdate(), by
    with transaction.atomic():
        if stored is not None:
            finding.evidence_file.save(stored.name, stored, save=False)
        finding.save()
    return finding


# --- accountability -----------------------------------------------------------------------------------

def record_accountability(*, kind: str, on: date, by, issued_by: Area, unit: Unit | None = None,
                          cadre: Cadre | None = None, complaint: Complaint | None = None, finding: Finding | None = None,
                          basis: str = "", text: str = "") -> Accountability:
    if kind not in Accountability.Kind.values:
        raise DomainError({"kind": gettext("请选择类别。")})
    if (unit is None) == (cadre is None):
        raise DomainError({"unit": gettext("请选择单位或干部（二选一）。")})
    where = unit.area_id if unit is not None else cadre.unit.area_id
    if not (signs_off(by, where) and signs_off(by, issued_by.code)):
        raise DomainError(gettext("只能对本区划的单位和干部作出，并以本级或下级机关名义。"))
    if on > timezone.localdate():
        raise DomainError({"on": gettext("日期不能晚于今天。")})
    basis = (basis or "").strip()
    if complaint is None and finding is None and not basis:
        raise DomainError({"basis": gettext("请注明依据：举报查处结论、督查发现问题或评议结果。")})
    if complaint is not None and kind != Accountability.Kind.COMMENDATION and complaint.finding != Complaint.Finding.SUBSTANTIATED:
        raise DomainError({"complaint": gettext("依据的举报须已办结且查实。")})
    return Accountability.objects.create(kind=kind, unit=unit, cadre=cadre, complaint=complaint, finding=finding,
                                         basis=basis[:300], on=on, issued_by=issued_by, text=(text or "").strip()[:2000],
                                         created_by=by)
