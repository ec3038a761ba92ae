"""The one answer to "what may this user see or change".

Every admin queryset, page, export and report starts from these functions; nothing else
filters by role. A scope is resolved once per request from the user's role:

- superuser or province office: everything;
- office, leader or inspection group at an area: that area and everything below it (by code
  prefix); offices change, leaders read, the inspection group reads and reviews anomaly flags;
- unit administrator: the unit, its cadres, its paired villages and their households,
  and households paired with its cadres;
- cadre: their own record and the households they are or were paired with.

Leaders and cadres read only; cadres' own visits are the exception, handled by the visits app.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from households.models import Area, AreaLevel, Household, IncomeRecord, Member, VillageYear
from pairing.models import Cadre, HouseholdPairing, Role, Unit, VillagePairing


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_prefix: str | None = None
    unit_id: int | None = None
    cadre_id: int | None = None
    can_change: bool = False
    can_view_id_numbers: bool = False
    can_inspect: bool = False  # review anomaly flags (spot checks): offices and inspection groups

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.area_prefix or self.unit_id or self.cadre_id)


NOTHING = Scope()
EVERYTHING = Scope(everything=True, can_change=True, can_view_id_numbers=True, can_inspect=True)


def scope_for(user) -> Scope:
    """Resolve (and cache on the user object) the scope of a signed-in user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_shuanglian_scope", None)
    if cached is not None:
        return cached
    scope = _resolve(user)
    user._shuanglian_scope = scope
    return scope


def _resolve(user) -> Scope:
    if user.is_superuser:
        return EVERYTHING
    role = Role.objects.filter(user=user).first()
    if role is not None:
        if role.kind == Role.Kind.UNIT_ADMIN:
            return Scope(unit_id=role.unit_id, can_change=True, can_view_id_numbers=role.can_view_id_numbers)
        return Scope(
            area_prefix=Area.prefix_of(role.area_id),
            can_change=role.kind == Role.Kind.OFFICE,
            can_view_id_numbers=role.can_view_id_numbers,
            can_inspect=role.kind in (Role.Kind.OFFICE, Role.Kind.INSPECTOR),
        )
    cadre_id = Cadre.objects.filter(user=user).values_list("pk", flat=True).first()
    if cadre_id is not None:
        return Scope(cadre_id=cadre_id)
    return NOTHING


def _scope(user_or_scope) -> Scope:
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


# --- the unit administrator's reach, as subqueries -------------------------------------------

def _unit_village_codes(unit_id: int) -> QuerySet:
    return VillagePairing.objects.filter(unit_id=unit_id).values("village_id")


def _unit_household_ids(unit_id: int) -> Q:
    paired_with_unit_cadre = HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre__unit_id=unit_id)
    return Q(village_id__in=_unit_village_codes(unit_id)) | Q(Exists(paired_with_unit_cadre))


# --- visible sets -------------------------------------------------------------------------------

def _narrow(qs: QuerySet, user_or_scope, *, area=None, unit=None, cadre=None) -> QuerySet:
    """The part of ``qs`` a scope sees. Each rule turns the scope's key (an area prefix, a unit
    id, a cadre id) into a filter; a scope whose kind has no rule sees nothing."""
    scope = _scope(user_or_scope)
    if scope.everything:
        return qs
    for key, rule in ((scope.area_prefix, area), (scope.unit_id, unit), (scope.cadre_id, cadre)):
        if key:
            return qs.filter(rule(key)) if rule else qs.none()
    return qs.none()


def visible_areas(user_or_scope) -> QuerySet[Area]:
    return _narrow(
        Area.objects.all(), user_or_scope,
        area=lambda prefix: Q(code__startswith=prefix),
        unit=lambda unit: Q(code__in=_unit_village_codes(unit)),
        cadre=lambda cadre: Q(code__in=HouseholdPairing.objects.filter(cadre_id=cadre).values("household__village_id")),
    )


def visible_villages(user_or_scope) -> QuerySet[Area]:
    return visible_areas(user_or_scope).filter(level=AreaLevel.VILLAGE)


def visible_units(user_or_scope) -> QuerySet[Unit]:
    return _narrow(
        Unit.objects.all(), user_or_scope,
        # Units seated in the area, and units from above that are paired with its villages.
        area=lambda prefix: Q(area__code__startswith=prefix)
        | Q(Exists(VillagePairing.objects.filter(unit=OuterRef("pk"), village__code__startswith=prefix))),
        unit=lambda unit: Q(pk=unit),
        cadre=lambda cadre: Q(cadres__pk=cadre),
    )


def visible_cadres(user_or_scope) -> QuerySet[Cadre]:
    return _narrow(
        Cadre.objects.all(), user_or_scope,
        # Cadres of units in the area, and cadres from elsewhere paired with its households.
        area=lambda prefix: Q(unit__area__code__startswith=prefix)
        | Q(Exists(HouseholdPairing.objects.filter(cadre=OuterRef("pk"), household__village__code__startswith=prefix))),
        unit=lambda unit: Q(unit_id=unit),
        cadre=lambda cadre: Q(pk=cadre),
    )


def visible_households(user_or_scope) -> QuerySet[Household]:
    return _narrow(
        Household.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=_unit_household_ids,
        cadre=lambda cadre: Q(Exists(HouseholdPairing.objects.filter(household=OuterRef("pk"), cadre_id=cadre))),
    )


def visible_members(user_or_scope) -> QuerySet[Member]:
    return Member.objects.filter(household__in=visible_households(user_or_scope))


def visible_incomes(user_or_scope) -> QuerySet[IncomeRecord]:
    return IncomeRecord.objects.filter(household__in=visible_households(user_or_scope))


def visible_village_years(user_or_scope) -> QuerySet[VillageYear]:
    """Villages' basic data by year (村情): wherever the village is visible."""
    return VillageYear.objects.filter(village__in=visible_areas(user_or_scope))


def visible_household_pairings(user_or_scope) -> QuerySet[HouseholdPairing]:
    return _narrow(
        HouseholdPairing.objects.all(), user_or_scope,
        area=lambda prefix: Q(household__village__code__startswith=prefix),
        unit=lambda unit: Q(cadre__unit_id=unit) | Q(household__village_id__in=_unit_village_codes(unit)),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def visible_village_pairings(user_or_scope) -> QuerySet[VillagePairing]:
    scope = _scope(user_or_scope)
    return _narrow(
        VillagePairing.objects.all(), scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
        cadre=lambda cadre: Q(village_id__in=visible_areas(scope).values("code")),
    )


def can_read_audit(user_or_scope) -> bool:
    """The audit trail holds full personal data before and after each change: the system
    administrators and the offices whose role may see full ID numbers read it, within their
    scope; nobody edits it."""
    scope = _scope(user_or_scope)
    return scope.everything or (scope.can_change and scope.can_view_id_numbers)


def editable(user_or_scope, queryset: QuerySet) -> QuerySet:
    """The part of an already-scoped queryset the user may change: all of it, or nothing."""
    return queryset if _scope(user_or_scope).can_change else queryset.none()


# --- personal data --------------------------------------------------------------------------------

def mask_id_number(value: str) -> str:
    """620502199001010117 → 620502********0117: region and check digits stay, the birth date goes."""
    if not value:
        return value
    if len(value) <= 10:
        return settings.ID_MASK_CHAR * len(value)
    return value[:6] + settings.ID_MASK_CHAR * (len(value) - 10) + value[-4:]


def shown_id_number(user_or_scope, value: str) -> str:
    return value if _scope(user_or_scope).can_view_id_numbers else mask_id_number(value)


def mask_phone(value: str) -> str:
    """13893800001 → 138****0001."""
    if not value or len(value) < 8:
        return settings.ID_MASK_CHAR * len(value or "")
    return value[:3] + settings.ID_MASK_CHAR * (len(value) - 7) + value[-4:]


def shown_phone(user_or_scope, value: str) -> str:
    return value if _scope(user_or_scope).can_view_id_numbers else mask_phone(value)


# Fields that hold an ID number, a mobile number or a birth date (the digits an ID mask hides),
# and account names (a cadre's is the ID number). A reader without 可查看完整身份证号 may not
# filter, search or sort by them anywhere: a prefix lookup answers "yes" or "no" and brings the
# hidden digits back one request at a time.
PERSONAL_FIELDS = frozenset({"id_number", "head_id_number", "phone", "birth_date", "username"})


def names_personal_field(path: str) -> bool:
    """Whether a lookup path (``household__head_id_number__startswith``) passes a personal field."""
    return any(part.lstrip("=^@$") in PERSONAL_FIELDS for part in path.split("__"))


def may_look_up_personal_fields(user_or_scope) -> bool:
    return _scope(user_or_scope).can_view_id_numbers


def shown_birth_date(user_or_scope, value):
    """The birth date to those who may see full ID numbers; to the others only the year, since
    the date is exactly the eight digits the mask hides."""
    if value is None or _scope(user_or_scope).can_view_id_numbers:
        return value
    return value.year


_ID_NUMBER_SHAPE = re.compile(r"\d{17}[\dXx]|\d{15}")
_PHONE_SHAPE = re.compile(r"1\d{10}")


def display_username(reader, user) -> str:
    """An account name as ``reader`` may see it. A cadre's account is named by the ID number
    (and someone may have chosen a mobile number), so such names are masked like the numbers
    themselves for a reader without 可查看完整身份证号; other names show as they are."""
    name = user.get_username() if user is not None else ""
    if not name or _scope(reader).can_view_id_numbers:
        return name
    if _ID_NUMBER_SHAPE.fullmatch(name):
        return mask_id_number(name)
    if _PHONE_SHAPE.fullmatch(name):
        return mask_phone(name)
    return name


def display_user(reader, user) -> str:
    """A person as ``reader`` may see them: the full name, else the account name, masked where needed."""
    if user is None:
        return ""
    return user.get_full_name() or display_username(reader, user)


# --- visits -----------------------------------------------------------------------------------

def visible_visits(user_or_scope):
    """A cadre's trips are visible wherever the cadre is."""
    from visits.models import Visit

    return Visit.objects.filter(cadre__in=visible_cadres(user_or_scope))


def visible_unit_visits(user_or_scope):
    from visits.models import UnitVisit

    return _narrow(
        UnitVisit.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
    )


def _collected(model, user_or_scope):
    """Demands and deeds: by their village for an area, the unit's own or its villages', a cadre's own."""
    return _narrow(
        model.objects.all(), user_or_scope,
        area=lambda prefix: Q(village__code__startswith=prefix),
        unit=lambda unit: Q(cadre__unit_id=unit) | Q(village_id__in=_unit_village_codes(unit)),
        cadre=lambda cadre: Q(cadre_id=cadre),
    )


def visible_demands(user_or_scope):
    from visits.models import Demand

    return _collected(Demand, user_or_scope)


def visible_deeds(user_or_scope):
    from visits.models import Deed

    return _collected(Deed, user_or_scope)


# --- evaluation ---------------------------------------------------------------------------------

def visible_evaluation_rounds(user_or_scope):
    """Rounds over the user's area, below it or above it (a county office works in the
    province's round); the figures inside a round are narrowed to the scope by the selectors."""
    from assessments.models import EvaluationRound

    def around(prefix):
        above = [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)]
        return Q(area__code__startswith=prefix) | Q(area_id__in=above)

    def covering(villages):
        codes = set()
        for code in villages:
            codes.update(code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12))
        return Q(area_id__in=sorted(codes))

    return _narrow(
        EvaluationRound.objects.all(), user_or_scope, area=around,
        # A unit or a cadre sees the rounds over the villages it works in.
        unit=lambda unit: covering(set(VillagePairing.objects.filter(unit_id=unit).values_list("village_id", flat=True))
                                   | set(HouseholdPairing.objects.filter(cadre__unit_id=unit)
                                         .values_list("household__village_id", flat=True))),
        cadre=lambda cadre: covering(set(HouseholdPairing.objects.filter(cadre_id=cadre)
                                         .values_list("household__village_id", flat=True))),
    )


def _about_visible_targets(model, user_or_scope):
    """Tallies, codes, ballots and results: those about a unit or a cadre the scope sees."""
    return model.objects.filter(Q(unit__in=visible_units(user_or_scope)) | Q(cadre__in=visible_cadres(user_or_scope)))


def visible_tallies(user_or_scope):
    from assessments.models import Tally

    return _about_visible_targets(Tally, user_or_scope)


def visible_ballot_codes(user_or_scope):
    from assessments.models import BallotCode

    return _about_visible_targets(BallotCode, user_or_scope)


def visible_ballots(user_or_scope):
    from assessments.models import Ballot

    return _about_visible_targets(Ballot, user_or_scope)


def visible_appraisal_results(user_or_scope):
    from assessments.models import AppraisalResult

    return _about_visible_targets(AppraisalResult, user_or_scope)


# --- reports -------------------------------------------------------------------------------------

def visible_reports(user_or_scope):
    """Reports of the areas and units the user sees; a cadre sees none (reports are the
    offices', the units' and the leaders')."""
    from reports.models import Report

    scope = _scope(user_or_scope)
    return _narrow(
        Report.objects.all(), scope,
        area=lambda prefix: Q(area__code__startswith=prefix) | Q(unit__in=visible_units(scope)),
        unit=lambda unit: Q(unit_id=unit),
    )


def visible_submissions(user_or_scope):
    """Monthly reports: an office sees those of the units seated in its area, a unit its own."""
    from reports.models import MonthlySubmission

    return _narrow(
        MonthlySubmission.objects.all(), user_or_scope,
        area=lambda prefix: Q(unit__area__code__startswith=prefix),
        unit=lambda unit: Q(unit_id=unit),
    )
