"""Reads of the two-way evaluation: ballot counts, satisfaction, and the composite appraisal.

Figures are aggregated in the database (one grouped query per source) and merged by target.

Rounding and boundaries (documented in the README, tested at every bound):
- satisfaction = (满意 + 基本满意) ÷ ballots × 100, rounded half up to one decimal;
- the ballot score is the average of the round's points per level, and each objective score a
  share of its target capped at 100; all are rounded half up to one decimal;
- the composite is the weighted mean of the components a target has (a missing component,
  say no ballots yet, leaves its weight out), rounded half up to one decimal;
- a grade's threshold is its lower bound: 90.0 is 优秀, 89.9 is 良好 (team grades 优秀 ≥ 90,
  良好 71–89, 一般 60–70, 差 < 60 read as [90, 100], [71, 90), [60, 71), [0, 60)).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy

from households.models import Area, Household, VillageYear
from households.selectors import growth_percent, per_capita_income_totals
from pairing.access import visible_cadres, visible_units
from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing

from .access import visible_appraisal_results
from .models import UNIT_TARGETS, AppraisalResult, Ballot, Direction, EvaluationRound, Grade, Level, Tally

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)

TEAM_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR)
CADRE_GRADES = (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT)


def one_decimal(value) -> Decimal:
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def satisfaction_rate(satisfied: int, basic: int, ballots: int) -> Decimal | None:
    """(满意 + 基本满意) ÷ ballots × 100, one decimal; None without ballots."""
    if not ballots:
        return None
    return one_decimal(Decimal(satisfied + basic) * HUNDRED / ballots)


def grade_for(score: Decimal | None, bounds: tuple[Decimal, Decimal, Decimal], grades: tuple) -> str:
    """The grade (its code) of a score: the first whose lower bound it reaches, else the last."""
    if score is None:
        return ""
    for bound, grade in zip(bounds, grades):
        if score >= bound:
            return grade.value
    return grades[-1].value


def team_grade(rnd: EvaluationRound, score: Decimal | None) -> str:
    return grade_for(score, (rnd.team_excellent, rnd.team_good, rnd.team_fair), TEAM_GRADES)


def cadre_grade(rnd: EvaluationRound, score: Decimal | None) -> str:
    return grade_for(score, (rnd.cadre_excellent, rnd.cadre_competent, rnd.cadre_basic), CADRE_GRADES)


# --- who may be rated in a year, and how many ballots each may receive --------------------------------

def _in_year(year: int) -> Q:
    return Q(start__lte=date(year, 12, 31)) & (Q(end__isnull=True) | Q(end__gte=date(year, 1, 1)))


def household_pairings_of_year(year: int, area: str | None = None) -> QuerySet:
    qs = HouseholdPairing.objects.filter(_in_year(year))
    return qs.filter(household__village__code__startswith=Area.prefix_of(area)) if area else qs


def village_pairings_of_year(year: int, area: str | None = None) -> QuerySet:
    qs = VillagePairing.objects.filter(_in_year(year))
    return qs.filter(village__code__startswith=Area.prefix_of(area)) if area else qs


def rater_counts(year: int, direction: str, *, units=(), cadres=()) -> dict[int, int]:
    """The raters each target has in a year, one ballot each (docs/domain.md §7).

    村评单位: the villages paired with the unit (each a team: its 村两委); 户评干部: the households
    paired with the cadre; 单位评干部: one team, the leadership of a cadre who pairs households;
    干部评班子: the unit's cadres.
    """
    if direction == Direction.VILLAGE_ON_UNIT:
        rows = village_pairings_of_year(year).filter(unit_id__in=units).values("unit_id").annotate(
            n=Count("village_id", distinct=True)).values_list("unit_id", "n")
    elif direction == Direction.HOUSEHOLD_ON_CADRE:
        rows = household_pairings_of_year(year).filter(cadre_id__in=cadres).values("cadre_id").annotate(
            n=Count("household_id", distinct=True)).values_list("cadre_id", "n")
    elif direction == Direction.UNIT_ON_CADRE:
        rows = [(pk, 1) for pk in household_pairings_of_year(year).filter(cadre_id__in=cadres)
                .values_list("cadre_id", flat=True).distinct()]
    else:
        rows = Cadre.objects.filter(unit_id__in=units).values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
    return dict(rows)


def team_sizes(year: int, direction: str, *, units=(), cadres=()) -> dict[int, list[int | None]]:
    """The recorded size of each rating team of each target in a year (None: not recorded).

    村评单位: the 村两委成员数 of the year's 村情 of every village paired with the unit that year;
    单位评干部: the 班子成员数 of the unit of a cadre who pairs households that year. Other
    directions have no teams. A target without raters is absent.
    """
    sizes: dict[int, list[int | None]] = defaultdict(list)
    if direction == Direction.VILLAGE_ON_UNIT:
        committee = VillageYear.objects.filter(village_id=OuterRef("village_id"), year=year).values("committee_size")[:1]
        rows = (village_pairings_of_year(year).filter(unit_id__in=units).annotate(size=Subquery(committee))
                .order_by().values_list("unit_id", "village_id", "size").distinct())
        for unit_id, _village, size in rows:
            sizes[unit_id].append(size)
    elif direction == Direction.UNIT_ON_CADRE:
        rows = (household_pairings_of_year(year).filter(cadre_id__in=cadres)
                .order_by().values_list("cadre_id", "cadre__unit__leadership_size").distinct())
        for cadre_id, size in rows:
            sizes[cadre_id].append(size)
    return dict(sizes)


def web_ballots(year: int, direction: str, *, units=(), cadres=()) -> dict[int, int]:
    """Web ballots already cast for each target in a year."""
    column = "unit_id" if direction in UNIT_TARGETS else "cadre_id"
    keys = units if direction in UNIT_TARGETS else cadres
    rows = (Ballot.objects.filter(round__year=year, direction=direction, **{f"{column}__in": keys})
            .values(column).annotate(n=Count("pk")).values_list(column, "n"))
    return dict(rows)


def paper_ballots(year: int, direction: str, *, units=(), cadres=()) -> dict[int, int]:
    column = "unit_id" if direction in UNIT_TARGETS else "cadre_id"
    keys = units if direction in UNIT_TARGETS else cadres
    rows = (Tally.objects.filter(round__year=year, direction=direction, **{f"{column}__in": keys})
            .values(column).annotate(n=Sum("satisfied") + Sum("basic") + Sum("unsatisfied")).values_list(column, "n"))
    return dict(rows)


def round_for(year: int, direction: str, target) -> EvaluationRound | None:
    """The most specific round of the year whose area holds a village the target worked in."""
    if direction in UNIT_TARGETS:
        villages = village_pairings_of_year(year).filter(unit=target).values_list("village_id", flat=True)
    else:
        villages = household_pairings_of_year(year).filter(cadre=target).values_list("household__village_id", flat=True)
    villages = set(villages)
    covering = [r for r in EvaluationRound.objects.filter(year=year).select_related("area")
                if any(v.startswith(Area.prefix_of(r.area_id)) for v in villages)]
    covering.sort(key=lambda r: len(Area.prefix_of(r.area_id)), reverse=True)
    return covering[0] if covering else None


# --- ballot counts -------------------------------------------------------------------------------------------

class Tallied:
    """Ballots counted by level: their number and the satisfaction rate."""

    @property
    def ballots(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def satisfaction(self) -> Decimal | None:
        return satisfaction_rate(self.satisfied, self.basic, self.ballots)


@dataclass
class Counted(Tallied):
    direction: str
    unit_id: int | None
    cadre_id: int | None
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    target: object = None



def _targets_filter(year: int, area: str | None, scope) -> Q:
    """Targets that worked in the area during the year, and that the scope may see."""
    q = Q()
    if area:
        q &= (Q(unit_id__in=village_pairings_of_year(year, area).values("unit_id"))
              | Q(cadre_id__in=household_pairings_of_year(year, area).values("cadre_id")))
    if scope is not None:
        q &= Q(unit__in=visible_units(scope)) | Q(cadre__in=visible_cadres(scope))
    return q


def ballot_counts(*, year: int, area: str | None = None, scope=None) -> list[Counted]:
    """Paper and web ballots of a year per direction and target, sorted by direction and target."""
    where = _targets_filter(year, area, scope)
    found: dict[tuple, Counted] = {}

    def entry(direction, unit_id, cadre_id) -> Counted:
        key = (direction, unit_id, cadre_id)
        if key not in found:
            found[key] = Counted(direction, unit_id, cadre_id)
        return found[key]

    tallies = (Tally.objects.filter(where, round__year=year).values("direction", "unit_id", "cadre_id")
               .annotate(s=Sum("satisfied"), b=Sum("basic"), u=Sum("unsatisfied")))
    for row in tallies:
        counted = entry(row["direction"], row["unit_id"], row["cadre_id"])
        counted.satisfied += row["s"]
        counted.basic += row["b"]
        counted.unsatisfied += row["u"]
    ballots = (Ballot.objects.filter(where, round__year=year).values("direction", "unit_id", "cadre_id", "level")
               .annotate(n=Count("pk")))
    field_of = {Level.SATISFIED: "satisfied", Level.BASIC: "basic", Level.UNSATISFIED: "unsatisfied"}
    for row in ballots:
        counted = entry(row["direction"], row["unit_id"], row["cadre_id"])
        name = field_of[row["level"]]
        setattr(counted, name, getattr(counted, name) + row["n"])
    units = Unit.objects.in_bulk({c.unit_id for c in found.values() if c.unit_id})
    cadres = Cadre.objects.select_related("unit").in_bulk({c.cadre_id for c in found.values() if c.cadre_id})
    for counted in found.values():
        counted.target = units.get(counted.unit_id) if counted.unit_id else cadres.get(counted.cadre_id)
    rows = list(found.values())
    rows.sort(key=lambda c: (str(Direction(c.direction).label), target_key(c.target)))
    return rows


def target_key(target) -> str:
    """A target as the roster names it: 单位代码 or 干部身份证号."""
    return target.code if isinstance(target, Unit) else target.id_number


# --- the composite appraisal ------------------------------------------------------------------------------------

@dataclass
class Appraisal(Tallied):
    target: object  # a Unit (as a work team) or a Cadre
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    ballot_score: Decimal | None = None
    compliance_score: Decimal | None = None
    deeds_score: Decimal | None = None
    income_score: Decimal | None = None
    score: Decimal | None = None
    grade: str = ""  # a Grade code
    extra: dict = field(default_factory=dict)


    @property
    def is_unit(self) -> bool:
        return isinstance(self.target, Unit)

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""


def ballot_score(rnd: EvaluationRound, satisfied: int, basic: int, unsatisfied: int) -> Decimal | None:
    ballots = satisfied + basic + unsatisfied
    if not ballots:
        return None
    points = satisfied * rnd.score_satisfied + basic * rnd.score_basic + unsatisfied * rnd.score_unsatisfied
    return one_decimal(points / ballots)


def share_score(done, target) -> Decimal | None:
    """100 × done ÷ target, capped at 100 and never below 0; None when there is no target."""
    if not target:
        return None
    return one_decimal(max(Decimal(0), min(HUNDRED, Decimal(done) * HUNDRED / Decimal(target))))


def compliance_score(visits: int, days: int, required_visits: int, required_days: int) -> Decimal | None:
    """Half for visits, half for days, each as a share of what was required."""
    if not (required_visits or required_days):
        return None
    parts = [share_score(visits, required_visits) if required_visits else HUNDRED,
             share_score(days, required_days) if required_days else HUNDRED]
    return one_decimal(sum(parts) / 2)


def composite(rnd: EvaluationRound, a: Appraisal) -> Decimal | None:
    parts = [(a.ballot_score, rnd.weight_ballots), (a.compliance_score, rnd.weight_compliance),
             (a.deeds_score, rnd.weight_deeds), (a.income_score, rnd.weight_income)]
    weight = sum(w for s, w in parts if s is not None and w)
    if not weight:
        return None
    return one_decimal(sum(s * w for s, w in parts if s is not None and w) / weight)


def _income_growth(rows) -> dict[int, Decimal]:
    """{target: growth in per cent} from rows of (target, per-capita now, per-capita a year before)."""
    return {key: growth_percent(now, before) for key, now, before in rows if before}


def appraisal(rnd: EvaluationRound, *, scope=None, area: str | None = None, unit: Unit | None = None) -> list[Appraisal]:
    """Work teams and cadres of a round: ballots, objective indicators, composite and grade,
    optionally only those working in a part of the round's area, or one unit and its cadres.
    A closed round answers from its frozen results."""
    area = area if area and area.startswith(Area.prefix_of(rnd.area_id)) else None
    rows = _frozen(rnd, scope, area, unit) if rnd.is_closed else compute_appraisal(rnd, scope=scope, area=area, unit=unit)
    _note_unknown_team_sizes(rnd.year, rows)
    return rows


def _note_unknown_team_sizes(year: int, rows: list[Appraisal]) -> None:
    """Mark the targets rated by a team whose size is not recorded (docs/domain.md §7): their ballots
    were accepted without a limit, and the results say so (``extra["size_missing"]``)."""
    committees = team_sizes(year, Direction.VILLAGE_ON_UNIT, units=[a.target.pk for a in rows if a.is_unit])
    leaderships = team_sizes(year, Direction.UNIT_ON_CADRE, cadres=[a.target.pk for a in rows if not a.is_unit])
    for a in rows:
        if None in (committees if a.is_unit else leaderships).get(a.target.pk, ()):
            a.extra["size_missing"] = (gettext_lazy("未登记村两委成员数，票数未核对") if a.is_unit
                                       else gettext_lazy("未登记班子成员数，票数未核对"))


def compute_appraisal(rnd: EvaluationRound, *, scope=None, area: str | None = None, unit: Unit | None = None) -> list[Appraisal]:
    from visits.models import Deed
    from visits.selectors import year_compliance

    year, area = rnd.year, area or rnd.area_id
    prefix = Area.prefix_of(area)
    village_pairings = village_pairings_of_year(year, area)
    household_pairings = household_pairings_of_year(year, area)
    units = Unit.objects.filter(pk__in=village_pairings.values("unit_id"))
    cadres = Cadre.objects.filter(pk__in=household_pairings.values("cadre_id"))
    if unit is not None:
        units, cadres = units.filter(pk=unit.pk), cadres.filter(unit=unit)
    if scope is not None:
        units, cadres = units.filter(pk__in=visible_units(scope)), cadres.filter(pk__in=visible_cadres(scope))
    teams = {u.pk: Appraisal(u) for u in units}
    people = {c.pk: Appraisal(c) for c in cadres.select_related("unit")}

    for counted in ballot_counts(year=year, area=area):
        if counted.direction == Direction.VILLAGE_ON_UNIT and counted.unit_id in teams:
            into = teams[counted.unit_id]
        elif counted.direction in (Direction.HOUSEHOLD_ON_CADRE, Direction.UNIT_ON_CADRE) and counted.cadre_id in people:
            into = people[counted.cadre_id]
        else:
            continue  # 干部评班子 rates the leadership: published, not part of the team's score
        into.satisfied += counted.satisfied
        into.basic += counted.basic
        into.unsatisfied += counted.unsatisfied

    cadre_rows = year_compliance(year=year, subject="cadre", area=area)
    for (cadre_id,), row in cadre_rows.items():
        if cadre_id in people:
            people[cadre_id].compliance_score = compliance_score(row.visits, row.days, row.required_visits, row.required_days)
    by_unit = defaultdict(list)
    for (unit_id, _village), row in year_compliance(year=year, subject="unit", area=area).items():
        score = compliance_score(row.visits, row.days, row.required_visits, row.required_days)
        if score is not None:
            by_unit[unit_id].append(score)
    for unit_id, scores in by_unit.items():
        if unit_id in teams:
            teams[unit_id].compliance_score = one_decimal(sum(scores) / len(scores))

    deeds = Deed.objects.filter(on__year=year, village__code__startswith=prefix)
    done_by_cadre = dict(deeds.values("cadre_id").annotate(n=Count("pk")).values_list("cadre_id", "n"))
    for cadre_id, a in people.items():
        a.deeds_score = share_score(done_by_cadre.get(cadre_id, 0), rnd.deeds_per_cadre)
    done_by_unit = dict(deeds.values("cadre__unit_id").annotate(n=Count("pk")).values_list("cadre__unit_id", "n"))
    working = dict(cadres.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    for unit_id, a in teams.items():
        a.deeds_score = share_score(done_by_unit.get(unit_id, 0), rnd.deeds_per_cadre * working.get(unit_id, 0))

    households = Household.objects.filter(village__code__startswith=prefix)
    cadre_growth = _income_growth(per_capita_income_totals(
        households.filter(pairings__in=household_pairings), year, "pairings__cadre_id"))
    team_growth = _income_growth(per_capita_income_totals(
        households.filter(village__unit_pairings__in=village_pairings), year, "village__unit_pairings__unit_id"))
    for growth, into in ((cadre_growth, people), (team_growth, teams)):
        for key, value in growth.items():
            if key in into:
                into[key].income_score = share_score(value, rnd.income_growth_target)
                into[key].extra["income_growth"] = one_decimal(value)

    for a in teams.values():
        a.ballot_score = ballot_score(rnd, a.satisfied, a.basic, a.unsatisfied)
        a.score = composite(rnd, a)
        a.grade = team_grade(rnd, a.score)
    for a in people.values():
        a.ballot_score = ballot_score(rnd, a.satisfied, a.basic, a.unsatisfied)
        a.score = composite(rnd, a)
        a.grade = cadre_grade(rnd, a.score)
    return _ranked(list(teams.values()) + list(people.values()))


def _ranked(rows: list[Appraisal]) -> list[Appraisal]:
    rows.sort(key=lambda a: (not a.is_unit, a.score is None, -(a.score or 0), target_key(a.target)))
    return rows


def _frozen(rnd: EvaluationRound, scope, area: str | None, unit: Unit | None) -> list[Appraisal]:
    results = (AppraisalResult.objects if scope is None else visible_appraisal_results(scope))
    results = results.filter(round=rnd).select_related("unit", "cadre__unit")
    if area:
        results = results.filter(Q(unit_id__in=village_pairings_of_year(rnd.year, area).values("unit_id"))
                                 | Q(cadre_id__in=household_pairings_of_year(rnd.year, area).values("cadre_id")))
    if unit is not None:
        results = results.filter(Q(unit=unit) | Q(cadre__unit=unit))
    return _ranked([
        Appraisal(r.unit or r.cadre, r.satisfied, r.basic, r.unsatisfied, r.ballot_score, r.compliance_score,
                  r.deeds_score, r.income_score, r.score, r.grade)
        for r in results
    ])
