"""Visit compliance (visits/selectors.py, one raw SQL statement) against a plain Python reading of
docs/domain.md §6, on random pairings and trips: overlapping trips of one cadre are one stay, touching
trips stay two, a stay counts in the period of its first day with its days clipped to the period,
and the requirement is ceil(min × paired days ÷ period days), paired days being the days of the
period on which at least one pairing was in force. Hand-overs, gaps, open pairings, partial and
leap years, and stays across New Year are all drawn; so are the policies of a county and a year.
Leave (docs/domain.md §11) is drawn too, overlapping itself or not, and takes its days that fall on
days in force out of the requirement; residents are counted per posting from their stays.

The reference works day by day on sets of calendar days, so that it reads as the rules do."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pairing.models import HouseholdPairing, Leave, Posting, Unit, VillagePairing
from shuanglian.helpers import pad_area_code
from tests import factories as f
from visits.models import Stay, UnitVisit, Visit, VisitPolicy
from visits.selectors import pace, visit_compliance, year_compliance

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
FIRST, LAST = dt.date(2024, 10, 1), dt.date(2026, 3, 31)  # three New Years' neighbourhoods, a leap year
COUNTY_A, COUNTY_B = "620502000000", "620503000000"
VILLAGES = ["620502100001", "620502100002", "620503100001"]
DEFAULT = {"cadre": (4, 15), "unit": (4, 30), "resident": (0, 220)}  # the province rule (visits / days), migrations' data

dates = st.dates(min_value=FIRST, max_value=LAST)


# --- the reference ---------------------------------------------------------------------------------

def days_of(start: dt.date, end: dt.date) -> set[dt.date]:
    return {start + i * DAY for i in range((end - start).days + 1)}


def stays(trips: list[tuple[dt.date, dt.date]]) -> list[set[dt.date]]:
    """Trips that share a calendar day, directly or through others, are one stay: its days are the
    union of theirs. Trips that merely touch share no day, so they stay apart."""
    groups: list[set[dt.date]] = []
    for start, end in trips:
        days = days_of(start, end)
        joined = [g for g in groups if g & days]
        for g in joined:
            groups.remove(g)
            days |= g
        groups.append(days)
    return groups


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Policy:
    subject: str
    prefix: str  # '' for the province
    year: int | None
    visits: int
    days: int


def policy_for(policies: list[Policy], subject: str, code: str, year: int) -> tuple[int, int]:
    """The most specific area, then a policy of that year over one for every year."""
    fitting = [p for p in policies if p.subject == subject and p.year in (year, None) and code.startswith(p.prefix)]
    best = max(fitting, key=lambda p: (len(p.prefix), p.year is not None))
    return best.visits, best.days


@dataclass
class Subject:
    """One cadre (or one unit in one village): its pairings, trips and the code its policy follows."""

    policy_code: str
    pairings: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)  # start, end, village
    trips: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    leave: list[tuple[dt.date, dt.date]] = field(default_factory=list)  # the cadre's, for cadres and residents


def reference_row(subject: Subject, kind: str, policies: list[Policy], p0: dt.date, p1: dt.date,
                  period_days: int | None, area: str | None) -> tuple | None:
    period = days_of(p0, p1)
    in_force = [(s, e, v) for s, e, v in subject.pairings if days_of(s, e or p1) & period]
    if not in_force or (area and not any(v.startswith(area) for _, _, v in in_force)):
        return None
    paired = set().union(*(days_of(s, e or p1) for s, e, _ in in_force)) & period
    all_stays = stays(subject.trips)
    visits = sum(1 for stay in all_stays if p0 <= min(stay) <= p1)
    days = len(set().union(set(), *all_stays) & period)
    min_visits, min_days = policy_for(policies, kind, subject.policy_code, p0.year)
    whole = period_days or len(period)
    on_leave = set().union(set(), *(days_of(s, e) for s, e in subject.leave)) & paired
    net = len(paired) - len(on_leave)
    required = (ceil_div(min_visits * net, whole), ceil_div(min_days * net, whole))
    return (visits, days, len(paired), *required, len(on_leave))


# --- random worlds -----------------------------------------------------------------------------------

@st.composite
def pairing_chain(draw, holders: int) -> list[tuple[int, dt.date, dt.date | None]]:
    """One household's pairings in time: handed over the next day, or after a gap, the last one
    perhaps still open (at most one open pairing per household)."""
    start = draw(dates)
    chain = []
    for index in range(draw(st.integers(1, 3))):
        holder = draw(st.integers(0, holders - 1))
        if index == 2 or draw(st.integers(0, 3)) == 0:
            chain.append((holder, start, None if draw(st.booleans()) else start + draw(st.integers(0, 400)) * DAY))
            break
        end = start + draw(st.integers(0, 240)) * DAY
        chain.append((holder, start, end))
        start = end + draw(st.sampled_from([1, 1, 1, 2, 45])) * DAY  # mostly a hand-over the next day
    return chain


@st.composite
def leave_list(draw) -> list[tuple[dt.date, dt.date]]:
    """Mostly none; else one to three spells, perhaps overlapping (the services refuse that, the
    count must not care), perhaps across New Year."""
    spells = {}  # a leave's key: cadre, start
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        start = draw(st.one_of(dates, st.sampled_from([dt.date(2024, 12, 20), dt.date(2025, 12, 25), dt.date(2024, 2, 28)])))
        spells[start] = start + draw(st.integers(0, 90)) * DAY
    return list(spells.items())


@st.composite
def trip_list(draw) -> list[tuple[dt.date, dt.date]]:
    """Trips, many of them overlapping, touching or inside an earlier one."""
    trips: list[tuple[dt.date, dt.date]] = []
    for _ in range(draw(st.integers(0, 9))):
        ways = ["anywhere", "overlapping", "touching", "inside", "new year"] if trips else ["anywhere"]
        how = draw(st.sampled_from(ways))
        if how == "anywhere":
            start = draw(dates)
        elif how == "new year":
            start = dt.date(draw(st.sampled_from([2024, 2025])), 12, draw(st.integers(20, 31)))
        else:
            s, e = draw(st.sampled_from(trips))
            start = e + DAY if how == "touching" else draw(st.dates(min_value=s, max_value=e))
            if how == "inside":
                trips.append((start, draw(st.dates(min_value=start, max_value=e))))
                continue
        trips.append((start, start + draw(st.integers(0, 12)) * DAY))
    return trips


policies = st.lists(
    st.builds(Policy, subject=st.sampled_from(["cadre", "unit", "resident"]), prefix=st.sampled_from(["", "620502"]),
              year=st.sampled_from([None, 2024, 2025, 2026]), visits=st.integers(0, 12), days=st.integers(0, 60)),
    max_size=3, unique_by=lambda p: (p.subject, p.prefix, p.year),
).map(lambda ps: [p for p in ps if (p.prefix, p.year) != ("", None)])  # the province's every-year rule is data already

periods = st.one_of(
    st.sampled_from([2024, 2025, 2026]).map(lambda y: (dt.date(y, 1, 1), dt.date(y, 12, 31), None)),
    st.tuples(dates, st.integers(0, 400)).map(lambda t: (t[0], min(t[0] + t[1] * DAY, LAST + 300 * DAY), None)),
    dates.map(lambda on: (dt.date(on.year, 1, 1), on, (dt.date(on.year + 1, 1, 1) - dt.date(on.year, 1, 1)).days)),
)
areas = st.sampled_from([None, None, "620502", "620502100", "620502100001", "620503"])


@dataclass
class World:
    cadres: list[Subject]
    households: list[tuple[str, list[tuple[int, dt.date, dt.date | None]]]]  # village, pairing chain
    unit_villages: dict[tuple[int, str], Subject]
    policies: list[Policy]
    postings: list[tuple[int, Subject]] = field(default_factory=list)  # cadre index, one posting (one pairing)


@st.composite
def worlds(draw) -> World:
    cadre_units = draw(st.lists(st.sampled_from([COUNTY_A, COUNTY_B]), min_size=1, max_size=3))
    cadres = [Subject(policy_code=area) for area in cadre_units]
    households = []
    for _household in range(draw(st.integers(1, 4))):
        village = draw(st.sampled_from(VILLAGES))
        chain = draw(pairing_chain(len(cadres)))
        households.append((village, chain))
        for holder, start, end in chain:
            cadres[holder].pairings.append((start, end, village))
    for cadre in cadres:
        cadre.trips = draw(trip_list())
        cadre.leave = draw(leave_list())
    postings, taken = [], set()
    for _posting in range(draw(st.integers(0, 3))):
        holder, village = draw(st.integers(0, len(cadres) - 1)), draw(st.sampled_from(VILLAGES))
        start = draw(dates)
        if (holder, village, start) in taken:  # a posting's key: cadre, village, start
            continue
        taken.add((holder, village, start))
        end = None if draw(st.booleans()) else start + draw(st.integers(0, 400)) * DAY
        posting = Subject(policy_code=village, pairings=[(start, end, village)], leave=cadres[holder].leave)
        posting.trips = draw(trip_list())
        postings.append((holder, posting))
    unit_villages = {}
    for unit, village in draw(st.sets(st.tuples(st.integers(0, 1), st.sampled_from(VILLAGES)), max_size=3)):
        subject = Subject(policy_code=village)
        starts = draw(st.sets(dates, min_size=1, max_size=2))  # a pairing's key: unit, village, start
        subject.pairings = [(s, None if draw(st.booleans()) else s + draw(st.integers(0, 300)) * DAY, village)
                            for s in sorted(starts)]
        subject.trips = sorted(set(draw(trip_list())))  # a unit visit's key: unit, village, start, end
        unit_villages[(unit, village)] = subject
    return World(cadres, households, unit_villages, draw(policies), postings)


# --- the database ----------------------------------------------------------------------------------

@pytest.fixture
def places(db):
    """The areas and units the worlds are built in: two counties, three villages, a unit in each county."""
    for code in VILLAGES:
        f.village(code)
    units = [f.UnitFactory(area=f.county(COUNTY_A)), f.UnitFactory(area=f.county(COUNTY_B))]
    defaults = {p.subject: (p.min_visits, p.min_days)
                for p in VisitPolicy.objects.filter(area=None, year=None, subject__in=DEFAULT)}
    assert defaults == DEFAULT, "the province rule is no longer 4 visits / 15 days (cadres), 4 / 30 (units)"
    return units


def store(world: World, units: list[Unit]) -> tuple[list[int], dict[tuple[int, str], tuple[int, str]]]:
    """Write the world; returns the cadres' ids and {(unit index, village): (unit id, village)}."""
    unit_of = {COUNTY_A: units[0], COUNTY_B: units[1]}
    cadres = [f.CadreFactory(unit=unit_of[subject.policy_code]) for subject in world.cadres]
    for village, chain in world.households:  # one household, handed from cadre to cadre
        household = f.HouseholdFactory(village=f.village(village))
        HouseholdPairing.objects.bulk_create(HouseholdPairing(cadre=cadres[holder], household=household, start=s, end=e)
                                             for holder, s, e in chain)
    Visit.objects.bulk_create(Visit(cadre=cadre, start=s, end=e)
                              for cadre, subject in zip(cadres, world.cadres) for s, e in subject.trips)
    keys = {}
    for (unit, village), subject in world.unit_villages.items():
        keys[(unit, village)] = (units[unit].pk, village)
        VillagePairing.objects.bulk_create(
            VillagePairing(unit=units[unit], village_id=village, start=s, end=e) for s, e, _ in subject.pairings)
        UnitVisit.objects.bulk_create(UnitVisit(unit=units[unit], village_id=village, start=s, end=e)
                                      for s, e in subject.trips)
    Leave.objects.bulk_create(Leave(cadre=cadre, start=s, end=e)
                              for cadre, subject in zip(cadres, world.cadres) for s, e in subject.leave)
    seen = set()  # a stay's key: cadre, start, end
    for holder, subject in world.postings:
        (start, end, village), = subject.pairings
        posting = Posting.objects.create(cadre=cadres[holder], village_id=village, role="member", start=start, end=end)
        keys[("posting", holder, village, start)] = (posting.pk,)
        subject.trips = [t for t in dict.fromkeys(subject.trips) if (holder, *t) not in seen]
        seen.update((holder, *t) for t in subject.trips)
        Stay.objects.bulk_create(Stay(cadre=cadres[holder], posting=posting, start=s, end=e) for s, e in subject.trips)
    for p in world.policies:
        VisitPolicy.objects.create(area_id=pad_area_code(p.prefix) if p.prefix else None, year=p.year,
                                   subject=p.subject, min_visits=p.visits, min_days=p.days)
    return [c.pk for c in cadres], keys


def expected(world: World, cadre_ids, unit_keys, subject: str, p0, p1, period_days, area) -> dict:
    everything = [*(Policy(kind, "", None, *rule) for kind, rule in DEFAULT.items()), *world.policies]
    if subject == "cadre":
        rows = {(pk,): reference_row(c, "cadre", everything, p0, p1, period_days, area)
                for pk, c in zip(cadre_ids, world.cadres)}
    elif subject == "resident":  # the area filter keeps the postings in villages of the area
        rows = {unit_keys[("posting", holder, s.policy_code, s.pairings[0][0])]:
                reference_row(s, "resident", everything, p0, p1, period_days, area)
                for holder, s in world.postings}
    else:
        rows = {unit_keys[k]: reference_row(s, "unit", everything, p0, p1, period_days, area)
                for k, s in world.unit_villages.items()}
    return {key: row for key, row in rows.items() if row is not None}


def computed(subject: str, p0, p1, period_days, area) -> dict:
    if period_days:
        rows = pace(on=p1, subject=subject, area=area)
    elif (p0.month, p0.day, p1.month, p1.day) == (1, 1, 12, 31) and p0.year == p1.year:
        rows = year_compliance(year=p0.year, subject=subject, area=area)
    else:
        rows = visit_compliance(start=p0, end=p1, subject=subject, area=area)
    return {key: (r.visits, r.days, r.paired_days, r.required_visits, r.required_days, r.leave_days)
            for key, r in rows.items()}


# --- the properties --------------------------------------------------------------------------------

def check(places, world, checks):
    with transaction.atomic():  # every example starts from the same database
        cadre_ids, unit_keys = store(world, places)
        for subject, (p0, p1, period_days), area in checks:
            want = expected(world, cadre_ids, unit_keys, subject, p0, p1, period_days, area)
            assert computed(subject, p0, p1, period_days, area) == want, (subject, p0, p1, period_days, area)
        transaction.set_rollback(True)


def one_cadre(area: str, village: str, chain, trips=(), policies=()) -> World:
    cadre = Subject(area, pairings=[(s, e, village) for _, s, e in chain], trips=list(trips))
    return World([cadre], [(village, chain)], {}, list(policies))


WHOLE_2025 = [("cadre", (dt.date(2025, 1, 1), dt.date(2025, 12, 31), None), None)]


@settings(max_examples=60, deadline=None)
@given(world=worlds(), checks=st.lists(st.tuples(st.just("cadre"), periods, areas), min_size=1, max_size=4))
# Paired 274 days: 4 × 274 = 3 × 365 + 1, so only a true ceiling asks for 4 visits.
@example(world=one_cadre(COUNTY_A, VILLAGES[0], [(0, dt.date(2025, 1, 1), dt.date(2025, 10, 1))]), checks=WHOLE_2025)
# The province's rule for 2025 wins over its rule for every year.
@example(world=one_cadre(COUNTY_B, VILLAGES[2], [(0, dt.date(2025, 1, 1), None)],
                         [(dt.date(2025, 3, 1), dt.date(2025, 3, 2))], [Policy("cadre", "", 2025, 9, 1)]),
         checks=WHOLE_2025)
def test_cadre_compliance_in_sql_agrees_with_the_rules_read_day_by_day(places, world, checks):
    check(places, world, checks)


@settings(max_examples=40, deadline=None)
@given(world=worlds(), checks=st.lists(st.tuples(st.just("unit"), periods, areas), min_size=1, max_size=3))
def test_unit_village_compliance_in_sql_agrees_with_the_rules_read_day_by_day(places, world, checks):
    check(places, world, checks)


@settings(max_examples=50, deadline=None)
@given(world=worlds(), checks=st.lists(st.tuples(st.just("resident"), periods, areas), min_size=1, max_size=3))
# Posted 1 April to 31 December 2025 with 20 days of leave: ceil(220 × 255 ÷ 365) = 154 (docs/domain.md §11).
@example(world=World([Subject(COUNTY_A, leave=[(dt.date(2025, 6, 1), dt.date(2025, 6, 20))])], [], {}, [],
                     [(0, Subject(VILLAGES[0], pairings=[(dt.date(2025, 4, 1), dt.date(2025, 12, 31), VILLAGES[0])],
                                  trips=[(dt.date(2025, 4, 1), dt.date(2025, 4, 30))],
                                  leave=[(dt.date(2025, 6, 1), dt.date(2025, 6, 20))]))]),
         checks=[("resident", (dt.date(2025, 1, 1), dt.date(2025, 12, 31), None), None)])
def test_resident_compliance_in_sql_agrees_with_the_rules_read_day_by_day(places, world, checks):
    check(places, world, checks)


# --- the reference itself, on the examples of docs/domain.md §6 ----------------------------------------------

D = dt.date.fromisoformat


@pytest.mark.parametrize("trips, count, days", [
    ([("2025-04-01", "2025-04-04"), ("2025-04-03", "2025-04-06")], 1, 6),  # overlapping: one stay
    ([("2025-04-01", "2025-04-03"), ("2025-04-04", "2025-04-06")], 2, 6),  # touching: two
    ([("2025-04-01", "2025-04-03"), ("2025-04-08", "2025-04-10"), ("2025-04-03", "2025-04-08")], 1, 10),  # a bridge
])
def test_the_reference_merges_trips_as_domain_6_says(trips, count, days):
    groups = stays([(D(s), D(e)) for s, e in trips])
    assert (len(groups), sum(len(g) for g in groups)) == (count, days)


def test_the_reference_counts_a_stay_across_new_year_in_the_year_it_starts():
    cadre = Subject(COUNTY_A, pairings=[(D("2024-01-01"), None, VILLAGES[0])],
                    trips=[(D("2024-12-30"), D("2025-01-02"))])
    policy = [Policy("cadre", "", None, 4, 15)]
    assert reference_row(cadre, "cadre", policy, D("2024-01-01"), D("2024-12-31"), None, None)[:2] == (1, 2)
    assert reference_row(cadre, "cadre", policy, D("2025-01-01"), D("2025-12-31"), None, None)[:2] == (0, 2)


def test_the_reference_pro_rates_the_rule_by_the_union_of_paired_days():
    half_year_twice = Subject(COUNTY_A, pairings=[(D("2025-01-01"), D("2025-07-01"), VILLAGES[0]),
                                                  (D("2025-03-01"), D("2025-07-01"), VILLAGES[1])])
    row = reference_row(half_year_twice, "cadre", [Policy("cadre", "", None, 4, 15)], D("2025-01-01"), D("2025-12-31"),
                        None, None)
    assert row[2:5] == (182, 2, 8)  # ceil(4 × 182 ÷ 365) = 2, ceil(15 × 182 ÷ 365) = 8


def test_the_reference_takes_leave_on_paired_days_out_of_the_requirement():
    # docs/domain.md §11: paired all 2025, sick leave 1 March – 30 April (61 days).
    cadre = Subject(COUNTY_A, pairings=[(D("2025-01-01"), None, VILLAGES[0])],
                    trips=[(D("2025-03-10"), D("2025-03-12"))], leave=[(D("2025-03-01"), D("2025-04-30"))])
    row = reference_row(cadre, "cadre", [Policy("cadre", "", None, 4, 15)], D("2025-01-01"), D("2025-12-31"), None, None)
    assert row == (1, 3, 365, 4, 13, 61)  # ceil(4 × 304 ÷ 365) = 4, ceil(15 × 304 ÷ 365) = 13; the trip still counts
