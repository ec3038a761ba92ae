"""Demo projects (项目, docs/domain.md §12) in the demo county, through ``papers.services``:
the agriculture bureau's "四个一" in its first village, a training with people trained, and an
infrastructure project that spent more than planned (with its note). Idempotent: a village that
already holds projects gets none again."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from households.models import Area
from pairing.models import Unit, VillagePairing
from papers.models import Project
from papers.services import record_project
from shuanglian.scoping import EVERYTHING


def seed_projects(*, unit_code: str = "DW62501") -> int:
    unit = Unit.objects.filter(code=unit_code).first()
    pairing = VillagePairing.objects.filter(unit=unit).order_by("village_id").first() if unit else None
    if pairing is None or Project.objects.filter(village=pairing.village).exists():
        return 0
    today = timezone.localdate()
    year = today.year
    village: Area = pairing.village
    start = max(date(year, 1, 1), pairing.start)

    def add(kind, title, planned, spent, **more):
        return record_project(EVERYTHING, unit=unit, village=village, kind=kind, title=title, year=year,
                              money_planned=Decimal(planned), money_spent=Decimal(spent), start=start, **more)

    add("idea", f"{village.name}花椒产业发展规划", 0, 0, status=Project.Status.DONE, end=start)
    add("team", f"{village.name}村“两委”班子集中培训", 5000, 4200, status=Project.Status.DONE, people_trained=12)
    add("demonstration", f"{village.name}花椒丰产示范园50亩", 200000, 120000, status=Project.Status.IN_PROGRESS,
        people_helped=36)
    add("practical", "为村小学捐赠课桌椅", 30000, 30000, status=Project.Status.DONE, people_helped=120)
    add("training", "花椒修剪与病虫害防治培训", 8000, 7600, status=Project.Status.DONE, people_trained=85)
    add("infrastructure", "通村道路硬化2.3公里", 460000, 512000, status=Project.Status.IN_PROGRESS,
        spent_note="增设排水边沟，县交通局追加配套", people_helped=640)
    return Project.objects.filter(village=village).count()
