"""Who sees the records of identification and exit, and who may take a step (docs/domain.md §10)."""
from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from households.models import Area, Household
from pairing.access import unit_village_codes
from pairing.models import HouseholdPairing, Posting
from shuanglian import scoping
from shuanglian.scoping import as_scope, narrow

from .models import ExitChecklist, Objection, Step, StepEntry
from .rules import LEVELS, NOTICES, Level, Stage


def _cadre_villages(cadre_id: int):
    """A cadre's villages: where they are or were posted, and those of the households they are paired with."""
    return Q(village_id__in=Posting.objects.filter(cadre_id=cadre_id).values("village_id")) | Q(
        village_id__in=HouseholdPairing.objects.filter(cadre_id=cadre_id).values("household__village_id"))


def visible_steps(user_or_scope) -> QuerySet[Step]:
    """Steps by their village: an area's, a unit's paired villages', a cadre's villages'."""
    return narrow(
        Step.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(village_id__in=unit_village_codes(unit)),
        cadre=_cadre_villages,
    )


def visible_entries(user_or_scope) -> QuerySet[StepEntry]:
    return StepEntry.objects.filter(step__in=visible_steps(user_or_scope))


def visible_objections(user_or_scope) -> QuerySet[Objection]:
    """Objections name who raised them: an area's office sees its area's; a unit or a cadre only
    those about the households it reaches, and a resident those of the village they are posted to
    (they check them). The steps and their entries are the public notices' contents; these are not."""
    scope = as_scope(user_or_scope)
    return narrow(
        Objection.objects.all(), scope,
        area=lambda prefix: Q(notice__village__code__startswith=prefix),
        unit=lambda _unit: Q(household__in=_reached(scope)),
        cadre=lambda cadre: Q(household__in=_reached(scope))
        | Q(notice__village_id__in=Posting.objects.filter(cadre_id=cadre).values("village_id")),
    )


def visible_checklists(user_or_scope) -> QuerySet[ExitChecklist]:
    """Checklists by their household: an area's, and the households a unit or cadre reaches."""
    scope = as_scope(user_or_scope)
    return narrow(
        ExitChecklist.objects.all(), scope,
        area=lambda prefix: Q(household__village__code__startswith=prefix),
        unit=lambda _unit: Q(household__in=_reached(scope)),
        cadre=lambda _cadre: Q(household__in=_reached(scope)),
    )


def _reached(scope):
    return Household.objects.filter(scope.reach.households).values("pk")


def visible_notice_steps(user_or_scope) -> QuerySet[Step]:
    """The notices (公示) and announcements (公告) a scope may print: those of the steps it sees."""
    return visible_steps(user_or_scope).filter(stage__in=[*NOTICES, Stage.ANNOUNCEMENT])


def visible_villages_with_steps(user_or_scope) -> QuerySet[Area]:
    return Area.objects.filter(code__in=visible_steps(user_or_scope).values("village_id"))


def _posted_on(user, village_code: str, on: date) -> bool:
    """A cadre of the village's resident work team on ``on`` (first secretary, leader or member)."""
    cadre_id = scoping.as_scope(user).cadre_id
    if not cadre_id:
        return False
    return Posting.objects.filter(cadre_id=cadre_id, village_id=village_code, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)).exists()


def level_error(user, village_code: str, stage: str, on: date) -> str | None:
    """Why ``user`` may not take ``stage`` for the village of ``village_code`` on ``on``; None when
    they may. The one statement of the levels (docs/domain.md §10):

    - a village stage: a cadre posted to that village on the date, or the township's office
      governing the village;
    - a township stage: the township's office governing the village;
    - a county stage: the county's office governing the village.

    Nobody else: a city or province office, the system administrators, a unit or a leader are
    no level."""
    level = LEVELS[stage]
    office = scoping.office_level(user)
    governs = scoping.governs_area(user, village_code)
    if level == Level.VILLAGE:
        if (office == "township" and governs) or _posted_on(user, village_code, on):
            return None
        return gettext("“%(stage)s”由驻村工作队（当日在该村驻村的干部）或所在乡镇双联办办理。") % {
            "stage": _stage_label(stage)}
    if level == Level.TOWNSHIP and office == "township" and governs:
        return None
    if level == Level.COUNTY and office == "county" and governs:
        return None
    return gettext("“%(stage)s”须由该村所在%(level)s的双联办办理。") % {
        "stage": _stage_label(stage), "level": gettext("乡镇") if level == Level.TOWNSHIP else gettext("县（区）")}


def _stage_label(stage: str) -> str:
    from .rules import Stage

    return str(Stage(stage).label)


def may_take_steps(user, village_code: str) -> bool:
    """Whether the village's procedures page offers its forms: an office of the township or
    county governing the village, or a cadre posted there today (each step is checked again)."""
    from django.utils import timezone

    office = scoping.office_level(user)
    return (office in ("township", "county") and scoping.governs_area(user, village_code)) or _posted_on(
        user, village_code, timezone.localdate())
