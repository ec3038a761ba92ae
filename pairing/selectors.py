"""Reads of pairing: coverage gaps, quota shortfalls, pairings to review. All counted in SQL."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext_lazy as _

from households.models import Area, AreaLevel, Household, PoorAreaYear
from shuanglian.helpers import in_batches

from .models import (
    CATEGORIES_WITHOUT_HOUSEHOLDS,
    Cadre,
    HouseholdPairing,
    Posting,
    QuotaPolicy,
    VillagePairing,
    WorkTeamMember,
)
from .services.teams import TEAM_LEADER_RANKS


def in_force(on: date, prefix: str = "") -> Q:
    """Pairings in force on a date (a blank end date: still in force)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def poor_villages(*, year: int, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    flagged = PoorAreaYear.objects.filter(area=OuterRef("pk"), year=year, kind=PoorAreaYear.Kind.POOR_VILLAGE)
    return (within if within is not None else Area.objects.all()).filter(level=AreaLevel.VILLAGE).filter(Exists(flagged))


def poor_villages_without_unit(*, on: date, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    paired = VillagePairing.objects.filter(in_force(on), village=OuterRef("pk"))
    return poor_villages(year=on.year, within=within).filter(~Exists(paired)).select_related("parent")


def households_without_cadre(*, on: date, within: QuerySet[Household] | None = None) -> QuerySet[Household]:
    paired = HouseholdPairing.objects.filter(in_force(on), household=OuterRef("pk"))
    return (
        (within if within is not None else Household.objects.all())
        .still_poor().filter(~Exists(paired)).select_related("village")
    )


def quota_for_rank() -> Case:
    """The household quota in force for a cadre (the row's ``rank`` and ``unit``): the policy of
    the most specific area containing the cadre's unit, else the province default (area blank),
    else 0. The policies are a few rows of configuration: read once, they become one CASE over
    the cadres (most specific first), so the quota is worked out in the same pass as the
    cadres' pairings are counted, not by a subquery per cadre."""
    policies = QuotaPolicy.objects.order_by("rank", Length("area_prefix").desc()).values_list(
        "rank", "area_prefix", "min_households")
    return Case(*(When(Q(StartsWith(F("unit__area_id"), Value(prefix)), rank=rank), then=Value(quota))
                  for rank, prefix, quota in policies), default=Value(0), output_field=IntegerField())


def cadre_quota_status(*, on: date, within: QuerySet[Cadre] | None = None) -> QuerySet[Cadre]:
    """Cadres annotated with ``households`` (pairings in force on the date), ``quota`` and
    ``shortfall``. Cadres whose category pairs no households are left out."""
    return (
        (within if within is not None else Cadre.objects.all())
        .exclude(category__in=CATEGORIES_WITHOUT_HOUSEHOLDS)
        .annotate(
            households=Count("pairings", filter=in_force(on, "pairings__")),
            quota=quota_for_rank(),
        )
        .annotate(shortfall=F("quota") - F("households"))
        .select_related("unit")
    )


def cadres_below_quota(*, on: date, within: QuerySet[Cadre] | None = None) -> QuerySet[Cadre]:
    return cadre_quota_status(on=on, within=within).filter(shortfall__gt=0).order_by("-shortfall", "unit__code", "id_number")


def pairings_outside_unit_villages(*, on: date, within: QuerySet[HouseholdPairing] | None = None) -> QuerySet[HouseholdPairing]:
    """Pairings in force whose household lies outside every village the cadre's unit is paired
    with. The province rule pairs within the unit's villages, counties differ: listed for
    review, never refused."""
    unit_holds_village = VillagePairing.objects.filter(
        in_force(on), unit=OuterRef("cadre__unit"), village=OuterRef("household__village")
    )
    return (
        (within if within is not None else HouseholdPairing.objects.all())
        .filter(in_force(on)).filter(~Exists(unit_holds_village))
        .select_related("cadre__unit", "household__village")
    )


def coverage_summary(*, on: date, areas: QuerySet[Area], households: QuerySet[Household], cadres: QuerySet[Cadre]) -> dict:
    """The headline figures of 全覆盖 for a scope, one query each."""
    poor = poor_villages(year=on.year, within=areas)
    return {
        "poor_villages": poor.count(),
        "poor_villages_without_unit": poor_villages_without_unit(on=on, within=areas).count(),
        "poor_households": households.still_poor().count(),
        "households_without_cadre": households_without_cadre(on=on, within=households).count(),
        "cadres_below_quota": cadres_below_quota(on=on, within=cadres).count(),
        "poor_villages_without_resident_team": poor_villages_without_resident_team(on=on, within=areas).count(),
        "poor_villages_without_first_secretary": poor_villages_without_first_secretary(on=on, within=areas).count(),
    }


# --- unit work teams (工作小组, docs/domain.md §11) -------------------------------------------------------

class TeamGap(TextChoices):
    """Why a unit's team for a village needs attention: it is 2–3 cadres led by one of 县处级 or above."""

    MISSING = "missing", _("未组建工作小组")
    TOO_FEW = "too_few", _("成员少于2人")
    TOO_MANY = "too_many", _("成员多于3人")
    NO_LEADER = "no_leader", _("没有组长")
    LEADER_BELOW_RANK = "below_rank", _("组长低于县处级")


def village_team(*, village, on: date, unit=None) -> QuerySet[WorkTeamMember]:
    """A village's work team on a date (every unit's, or one unit's), the leader first."""
    qs = WorkTeamMember.objects.filter(in_force(on), village=village)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit", "cadre").order_by("unit__code", "role", "cadre__name")


def _team_count(on: date, **only) -> Coalesce:
    """How many memberships of the outer pairing's team (its unit, its village) are in force."""
    members = (
        WorkTeamMember.objects.filter(in_force(on), unit=OuterRef("unit"), village=OuterRef("village"), **only)
        .order_by().values("unit").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def teams_needing_attention(*, on: date, within: QuerySet[VillagePairing] | None = None) -> QuerySet[VillagePairing]:
    """The unit–village pairings in force (of ``within``) whose team is missing, has fewer than 2
    or more than 3 members, no leader, or a leader below 县处级 on the date, annotated with
    ``members``, ``leaders``, ``ranked_leaders`` and ``gap`` (a ``TeamGap``, the first that
    applies). A team is its unit's: two units paired with one village each keep their own."""
    pairings = (within if within is not None else VillagePairing.objects.all()).filter(in_force(on))
    leader = WorkTeamMember.Role.LEADER
    return (
        pairings.annotate(
            members=_team_count(on),
            leaders=_team_count(on, role=leader),
            ranked_leaders=_team_count(on, role=leader, cadre__rank__in=TEAM_LEADER_RANKS),
        )
        .annotate(gap=Case(
            When(members=0, then=Value(TeamGap.MISSING)),
            When(members__lt=2, then=Value(TeamGap.TOO_FEW)),
            When(members__gt=3, then=Value(TeamGap.TOO_MANY)),
            When(leaders=0, then=Value(TeamGap.NO_LEADER)),
            When(ranked_leaders__lt=F("leaders"), then=Value(TeamGap.LEADER_BELOW_RANK)),
            default=Value(""), output_field=CharField(),
        ))
        .exclude(gap="")
        .select_related("unit", "village__parent")
        .order_by("village_id", "unit__code")
    )


def team_memberships(*, unit_ids, village: str | None = None) -> dict[tuple[str, str], list[tuple[str, date, date | None]]]:
    """The units' team memberships by (unit code, village code): (the cadre's ID number, start,
    end), optionally for one village. A few queries whatever the number of units (the roster's
    bulk checks of unit trips)."""
    teams: dict[tuple[str, str], list[tuple[str, date, date | None]]] = defaultdict(list)
    rows = WorkTeamMember.objects.all() if village is None else WorkTeamMember.objects.filter(village_id=village)
    for batch in in_batches(list(unit_ids)):
        for unit, village_code, cadre, start, end in rows.filter(unit_id__in=batch).values_list(
                "unit__code", "village_id", "cadre__id_number", "start", "end"):
            teams[(unit, village_code)].append((cadre, start, end))
    return teams


# --- resident work teams (驻村工作队, docs/domain.md §11) ---------------------------------------------------

def village_resident_team(village, on: date) -> QuerySet:
    """A village's resident work team on a date: the postings in force then, the first secretary
    first, then the team leader, then the members by name."""
    role = Posting.Role
    rank = Case(When(role=role.FIRST_SECRETARY, then=Value(0)), When(role=role.LEADER, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    return (Posting.objects.filter(in_force(on), village=village).annotate(role_rank=rank)
            .select_related("cadre__unit").order_by("role_rank", "cadre__name", "pk"))


def _posted(on: date, **only) -> Exists:
    return Exists(Posting.objects.filter(in_force(on), village=OuterRef("pk"), **only))


def poor_villages_without_resident_team(*, on: date, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    """Poor villages (of the date's year) where nobody is posted on the date."""
    return poor_villages(year=on.year, within=within).filter(~_posted(on)).select_related("parent")


def poor_villages_without_first_secretary(*, on: date, within: QuerySet[Area] | None = None) -> QuerySet[Area]:
    """Poor villages (of the date's year) without a first secretary posted on the date, whether
    or not other residents are there: ``resident_team`` says whether anyone is."""
    return (poor_villages(year=on.year, within=within)
            .filter(~_posted(on, role=Posting.Role.FIRST_SECRETARY))
            .annotate(resident_team=_posted(on)).select_related("parent"))
