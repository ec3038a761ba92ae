"""Demo data of discipline (docs/domain.md §13) in the demo county: the county's inspection group
(a sign-in), a complaint under investigation, an inspection with an overdue rectification and
a talk (约谈) with a cadre. Deterministic and idempotent: running it again adds nothing."""
from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from discipline import services
from discipline.models import Accountability, Complaint, Inspection
from households.models import Area
from pairing.models import Cadre, Role, Unit

COMPLAINT_KEY = uuid.UUID("5e1f0d2c-0000-4000-8000-00000000d15c")


def seed_discipline(*, county: str, password: str) -> list[tuple[str, str]]:
    """The demo's discipline records; returns the inspection group's sign-in (who, username)."""
    area = Area.objects.get(code=county)
    user, _created = get_user_model().objects.get_or_create(username="qinzhou_inspector",
                                                           defaults={"first_name": "秦州区督查组", "is_staff": True})
    user.set_password(password)
    user.save()
    Role.objects.update_or_create(user=user, defaults={"kind": Role.Kind.INSPECTOR, "area": area, "unit": None})
    office = Role.objects.filter(kind=Role.Kind.OFFICE, area=area).select_related("user").first()
    unit = Unit.objects.get(code="DW62501")
    cadre = Cadre.objects.filter(unit=unit).order_by("id_number").last()
    today = timezone.localdate()

    complaint, created = services.file_complaint(
        rule="hospitality", target_kind="cadre", target_name=cadre.name, area=area, key=COMPLAINT_KEY,
        content="该干部入户走访时在村干部家吃饭喝酒，群众有议论。", channel=Complaint.Channel.WEB)
    if created:
        services.add_note(complaint=complaint, text="已向村支书和两名农户了解情况，待约谈本人核实。", by=user)

    on = today - timedelta(days=20)
    half = Inspection.Half.FIRST if on.month <= 6 else Inspection.Half.SECOND
    if not Inspection.objects.filter(unit=unit, year=on.year, half=half).exists():
        inspection = services.record_inspection(year=on.year, half=half, on=on, unit=unit, by=user,
                                                checked="抽查走访台账、民情日志和帮办实事记录，入户核实3户。",
                                                inspectors="秦州区督查组 王建军、李红")
        services.add_finding(inspection=inspection, text="部分干部民情日志记录不全，走访照片缺失。",
                             deadline=on + timedelta(days=10), by=user)
        services.add_finding(inspection=inspection, text="单位进村次数未达到要求。", deadline=on + timedelta(days=40), by=user)

    if office is not None and not Accountability.objects.filter(cadre=cadre).exists():
        services.record_accountability(kind=Accountability.Kind.TALK, cadre=cadre, on=today - timedelta(days=3),
                                       issued_by=area, by=office.user, basis="上年度双向评议群众满意度偏低（见评议结果）",
                                       text="约谈提醒：按“4次/15天”要求走访，改进工作作风。")
    return [("督查组", user.username)]
