"""Notices and reminders: a notice to one user (once per key, e-mailed when the user has an
address) and the weekly notice to each unit administrator of the unit's cadres behind pace.
"""
from __future__ import annotations

from datetime import date

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discipline.selectors import overdue_by_area
from households.models import Area
from pairing.models import Cadre, Role
from shuanglian.helpers import in_batches
from visits.selectors import pace

from .. import selectors
from ..models import Notice
from .queue import dispatch


def notify(*, user, key: str, title: str, body: str, link: str = "") -> Notice | None:
    """A notice to one user, once per key; e-mailed as well when the user has an address."""
    notice, created = Notice.objects.get_or_create(user=user, key=key, defaults={"title": title, "body": body, "link": link})
    if not created:
        return None
    if user.email:
        transaction.on_commit(lambda: dispatch("reports.tasks.email_notice", notice.pk))
    return notice


def email_notice_now(*, notice_id: int) -> bool:
    """Send a notice by e-mail once; an SMTP failure propagates (the task retries it)."""
    notice = Notice.objects.select_related("user").filter(pk=notice_id, emailed_at__isnull=True).first()
    if notice is None or not notice.user.email:
        return False
    body = notice.body + (f"\n\n{notice.link}" if notice.link else "")
    send_mail(notice.title, body, None, [notice.user.email])
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    return True


def mark_read(*, user, notice_ids: list[int]) -> int:
    return Notice.objects.filter(user=user, pk__in=notice_ids, read_at__isnull=True).update(read_at=timezone.now())


def send_pace_reminders(*, today: date | None = None) -> int:
    """Tell each unit administrator which of the unit's cadres are behind pace (one statement
    for the whole province), once per ISO week. Returns the number of notices sent."""
    today = today or timezone.localdate()
    behind = {key[0]: row for key, row in pace(on=today).items() if not row.met}
    by_unit: dict[int, list[tuple[str, object]]] = {}
    for batch in in_batches(sorted(behind)):
        for pk, name, unit_id in Cadre.objects.filter(pk__in=batch).values_list("pk", "name", "unit_id"):
            by_unit.setdefault(unit_id, []).append((name, behind[pk]))
    year, week, _weekday = today.isocalendar()
    sent = 0
    for role in selectors.unit_admins(by_unit):
        cadres = sorted(by_unit[role.unit_id], key=lambda c: (c[1].visits - c[1].required_visits, c[1].days - c[1].required_days, c[0]))
        lines = [_("%(name)s：已走访 %(v)s 次（应 %(rv)s 次），累计 %(d)s 天（应 %(rd)s 天）") % {
            "name": name, "v": r.visits, "rv": r.required_visits, "d": r.days, "rd": r.required_days} for name, r in cadres]
        title = ngettext("%(unit)s有 %(n)s 名干部走访进度滞后", "%(unit)s有 %(n)s 名干部走访进度滞后", len(cadres)) % {
            "unit": role.unit.name, "n": len(cadres)}
        body = _("截至%(day)s，按全年要求折算到今天，以下干部进度滞后：") % {"day": today.isoformat()} + "\n" + "\n".join(lines)
        link = reverse("visits-due") + f"?unit={role.unit.code}"
        if notify(user=role.user, key=f"pace-{year}-W{week:02d}", title=title, body=body, link=link):
            sent += 1
    return sent


def send_rectification_reminders(*, today: date | None = None) -> int:
    """Tell the nearest office over each inspected unit or village which rectifications are past
    their deadline and not signed off (docs/domain.md §13), once per ISO week. Returns the
    number of notices sent."""
    today = today or timezone.localdate()
    overdue = overdue_by_area(today=today)
    if not overdue:
        return 0
    offices: dict[str, list] = {}
    for role in Role.objects.filter(kind=Role.Kind.OFFICE, user__is_active=True).select_related("user"):
        offices.setdefault(role.area_id, []).append(role)
    by_role: dict[int, tuple] = {}
    for code, findings in overdue.items():
        nearest = next((offices[c] for c in reversed(Area.lineage(code)) if c in offices), [])
        for role in nearest:
            by_role.setdefault(role.pk, (role, []))[1].extend(findings)
    year, week, _weekday = today.isocalendar()
    sent = 0
    for role, findings in by_role.values():
        findings.sort(key=lambda f: (f.deadline, f.pk))
        lines = [_("%(subject)s：%(text)s（整改期限%(day)s）") % {
            "subject": f.inspection.unit.name if f.inspection.unit_id else f.inspection.village.name,
            "text": f.text[:40], "day": f.deadline.isoformat()} for f in findings]
        title = ngettext("%(n)s 个督查问题逾期未整改", "%(n)s 个督查问题逾期未整改", len(findings)) % {"n": len(findings)}
        body = _("截至%(day)s，以下督查发现的问题已过整改期限仍未销号：") % {"day": today.isoformat()} + "\n" + "\n".join(lines)
        if notify(user=role.user, key=f"rectification-{year}-W{week:02d}", title=title, body=body,
                  link=reverse("discipline-office")):
            sent += 1
    return sent
