"""The dashboard counts in single passes what it used to count month by month and child by
child: the trend in one statement (``monthly_visits``), the year so far and its pace in one
(``year_so_far``), the child areas' pace shared out from the area's. Each must equal the old
definition on awkward data: trips across a month's end and the year's, overlapping and touching
trips, a hand-over mid-year, a cadre paired in two child areas, pairings with a gap, and leave."""
from datetime import date, timedelta

import pytest
import time_machine

from pairing.models import HouseholdPairing, Leave, VillagePairing
from reports.dashboard import compute
from tests import factories as f
from visits.models import Stay, UnitVisit, Visit, VisitPolicy
from visits.selectors import CadreTally, monthly_visits, pace, visit_compliance, year_so_far, year_so_far_tallies

pytestmark = pytest.mark.django_db

D = date.fromisoformat
YEAR = 2025
# A moment after the year, so that every as_of below is in the past, whatever day the tests run.
NOW = date(YEAR + 1, 1, 10)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW.isoformat() + "T10:00:00", tick=False):
        yield


@pytest.fixture
def world(tree):
    """A second city beside 天水市 (so a province has two children), and cadres whose trips and
    pairings fall awkwardly on months, years and areas."""
    f.area("620600000000", "武威市")
    f.area("620602000000", "凉州区")
    f.area("620602100000", "凉州一镇")
    other = f.village("620602100001", "凉州一村")
    v1, v2, v3, v4 = tree.villages
    VisitPolicy.objects.create(area=None, subject="cadre", min_visits=4, min_days=12)
    VisitPolicy.objects.create(area=None, subject="unit", min_visits=3, min_days=6)
    VisitPolicy.objects.create(area=None, subject="resident", min_visits=0, min_days=120)

    def paired(cadre, village, start, end=None, **kwargs):
        household = f.HouseholdFactory(village=village)
        return HouseholdPairing.objects.create(cadre=cadre, household=household, start=D(start),
                                               end=D(end) if end else None, **kwargs)

    def trips(cadre, *spans):
        for start, end in spans:
            Visit.objects.create(cadre=cadre, start=D(start), end=D(end))

    # A: all year in 秦州一村; trips across the year's start, a month's end, overlapping and touching.
    a = f.CadreFactory()
    paired(a, v1, "2024-01-01")
    trips(a, ("2024-12-30", "2025-01-02"), ("2025-01-30", "2025-02-02"), ("2025-02-01", "2025-02-03"),
          ("2025-02-04", "2025-02-04"), ("2025-03-10", "2025-03-12"), ("2025-03-12", "2025-03-15"),
          ("2025-03-11", "2025-03-11"), ("2025-04-30", "2025-05-01"), ("2025-06-28", "2025-08-02"),
          ("2025-07-05", "2025-07-06"), ("2025-12-30", "2026-01-03"))
    # B hands 秦州二村's household over to C on 15 June; B is also paired in 麦积 (a second county,
    # a second township) from 1 March, and in 武威 (a second city) until the end of February.
    b, c = f.CadreFactory(), f.CadreFactory()
    handed = paired(b, v2, "2024-06-01", "2025-06-15")
    handed.successor = HouseholdPairing.objects.create(cadre=c, household=handed.household, start=D("2025-06-16"))
    handed.save(update_fields=["successor"])
    paired(b, v3, "2025-03-01")
    paired(b, other, "2024-01-01", "2025-02-28")
    trips(b, ("2025-02-27", "2025-03-02"), ("2025-06-14", "2025-06-17"), ("2025-06-17", "2025-06-20"),
          ("2025-09-01", "2025-09-30"), ("2025-10-01", "2025-10-01"))
    trips(c, ("2025-06-10", "2025-06-16"), ("2025-06-16", "2025-06-16"), ("2025-07-31", "2025-08-01"),
          ("2025-11-15", "2025-11-20"))
    # D: paired from 10 April to 30 September in 麦积二村, on leave in the spring; trips before,
    # during and after the pairing (all of them count in the months the pairing is in force).
    d = f.CadreFactory()
    paired(d, v4, "2025-04-10", "2025-09-30")
    Leave.objects.create(cadre=d, start=D("2025-03-20"), end=D("2025-05-10"), reason="病假")
    trips(d, ("2025-02-10", "2025-02-12"), ("2025-04-09", "2025-04-11"), ("2025-05-31", "2025-06-01"),
          ("2025-09-30", "2025-10-02"), ("2025-11-05", "2025-11-05"))
    # E: two pairings in 秦州一村 with a gap (January–March, July–August), touching each other's
    # ends in two pieces in the summer.
    e = f.CadreFactory()
    paired(e, v1, "2025-01-01", "2025-03-31")
    paired(e, v1, "2025-07-01", "2025-07-31")
    paired(e, v1, "2025-08-01", "2025-08-31")
    trips(e, ("2025-03-31", "2025-04-01"), ("2025-05-05", "2025-05-06"), ("2025-07-31", "2025-08-01"),
          ("2025-08-02", "2025-08-02"))
    # G: paired before the year only: in no month's figures.
    g = f.CadreFactory()
    paired(g, v3, "2023-01-01", "2024-12-31")
    trips(g, ("2024-12-31", "2025-01-05"))

    # Units in villages and residents, for the year so far and its pace.
    unit = f.UnitFactory()
    VillagePairing.objects.create(unit=unit, village=v1, start=D("2024-01-01"))
    VillagePairing.objects.create(unit=unit, village=v3, start=D("2025-05-01"))
    for start, end, village in (("2025-01-31", "2025-02-01", v1), ("2025-02-01", "2025-02-03", v1),
                                ("2025-05-02", "2025-05-02", v3), ("2025-05-03", "2025-05-04", v3)):
        UnitVisit.objects.create(unit=unit, village=village, start=D(start), end=D(end), people=2)
    posting = f.PostingFactory(cadre=a, village=v1, start=D("2025-02-01"))
    for start, end in (("2025-02-01", "2025-03-15"), ("2025-03-10", "2025-04-30"), ("2025-05-01", "2025-05-01")):
        Stay.objects.create(cadre=a, posting=posting, start=D(start), end=D(end))
    Leave.objects.create(cadre=a, start=D("2025-06-01"), end=D("2025-06-20"), reason="事假")
    return tree


AREAS = [None, "620000000000", "620500000000", "620503000000", "620502100001", "620602000000"]
THROUGH = [D("2025-12-31"), D("2025-06-15"), D("2025-02-28"), D("2025-01-01")]


def month_by_month(year, through, area):
    """The old trend: the engine run for each month, cut at ``through``."""
    result = {}
    for month in range(1, through.month + 1 if through.year == year else 13):
        start = date(year, month, 1)
        end = min((start + timedelta(days=32)).replace(day=1) - timedelta(days=1), through)
        rows = visit_compliance(start=start, end=end, area=area).values()
        result[month] = (sum(r.visits for r in rows), sum(r.days for r in rows))
    return result


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("through", THROUGH, ids=str)
def test_the_trend_in_one_statement_equals_the_engine_run_month_by_month(world, area, through):
    assert monthly_visits(year=YEAR, through=through, area=area) == month_by_month(YEAR, through, area)


def test_the_trend_counts_something_in_the_awkward_months(world):
    """The comparison above is not between two empty answers."""
    trend = monthly_visits(year=YEAR, through=D("2025-12-31"), area="620500000000")
    assert trend[2][0] > 0 and trend[6][1] > 0 and trend[8][1] > 0


@pytest.mark.parametrize("subject", ["cadre", "unit", "resident"])
@pytest.mark.parametrize("area", [None, "620500000000", "620503000000", "620502100001"])
@pytest.mark.parametrize("on", [D("2025-12-31"), D("2025-06-15"), D("2025-03-01")], ids=str)
def test_the_year_so_far_and_its_pace_in_one_statement_equal_the_two_runs(world, subject, area, on):
    done, so_far = year_so_far(on=on, subject=subject, area=area)
    assert done == visit_compliance(start=date(on.year, 1, 1), end=on, subject=subject, area=area)
    assert so_far == pace(on=on, subject=subject, area=area)


@pytest.mark.parametrize("area", [None, "620500000000", "620503000000", "620502100001"])
@pytest.mark.parametrize("on", [D("2025-12-31"), D("2025-06-15"), D("2025-03-01")], ids=str)
def test_the_year_so_far_summed_per_unit_in_the_database_equals_its_rows_summed(world, area, on):
    from pairing.models import Cadre

    units, children = year_so_far_tallies(on=on, area=area)
    done, so_far = year_so_far(on=on, area=area)
    unit_of = dict(Cadre.objects.values_list("pk", "unit_id"))
    expected = {}
    for key, row in so_far.items():
        t = expected.setdefault(unit_of[key[0]], [0, 0, 0, 0, 0])
        t[0] += 1
        t[1] += row.met
        t[2] += done[key].visits
        t[3] += done[key].days
        t[4] += bool(done[key].visits)
    assert {unit: CadreTally(*t) for unit, t in expected.items()} == units and units and children == {}


@pytest.mark.parametrize("code", ["620000000000", "620500000000", "620502000000"])
@pytest.mark.parametrize("on", [D("2025-12-31"), D("2025-03-01")], ids=str)
def test_the_year_so_far_summed_per_child_area_counts_the_cadres_the_engine_selects_for_each(world, code, on):
    from households.models import LEVEL_PREFIX_LENGTH, Area

    children = Area.objects.filter(parent_id=code)
    length = LEVEL_PREFIX_LENGTH[children.first().level]
    _units, tallies = year_so_far_tallies(on=on, area=code, children_of=code, child_length=length)
    expected = {}
    for child in children:
        rows = pace(on=on, area=child.code)
        if rows:
            expected[child.code[:length]] = (len(rows), sum(r.met for r in rows.values()))
    assert expected and {part: (t.cadres, t.on_track) for part, t in tallies.items()} == expected


def test_the_year_so_far_takes_leave_out_of_both_requirements(world):
    done, so_far = year_so_far(on=D("2025-12-31"), subject="resident")
    [row] = so_far.values()
    assert row.leave_days == 20 and done[row.key].leave_days == 20


@pytest.mark.parametrize("code", ["620000000000", "620500000000", "620503000000", "620502100000"])
@pytest.mark.parametrize("as_of", [D("2025-12-31"), D("2025-02-28")], ids=str)
def test_each_child_area_counts_the_cadres_the_engine_selects_for_it(world, code, as_of):
    from households.models import Area

    children = compute(area=Area.objects.get(code=code), year=YEAR, as_of=as_of)["children"]
    assert children
    for child in children:
        rows = pace(on=as_of, area=child["code"])
        assert (child["cadres_due"], child["cadres_on_track"]) == (len(rows), sum(r.met for r in rows.values())), child


def test_a_cadre_paired_in_two_child_areas_counts_in_both(world):
    from households.models import Area

    children = {c["code"]: c for c in compute(area=Area.objects.get(code="620500000000"), year=YEAR,
                                              as_of=D("2025-12-31"))["children"]}
    # B counts in 秦州 (until the hand-over) and in 麦积 (from March); D in 麦积; A, C and E in 秦州.
    assert children["620502000000"]["cadres_due"] == 4 and children["620503000000"]["cadres_due"] == 2


@pytest.mark.parametrize("code", ["620000000000", "620502000000", "620502100001"])
@pytest.mark.parametrize("as_of", [D("2025-12-31"), D("2025-06-15"), D("2025-01-01")], ids=str)
def test_the_dashboards_trend_and_month_equal_the_engine_run_month_by_month(world, code, as_of):
    from households.models import Area

    figures = compute(area=Area.objects.get(code=code), year=YEAR, as_of=as_of)
    old = month_by_month(YEAR, as_of, code)
    assert [(r["month"], r["visits"], r["days"]) for r in figures["trend"]] == [(m, *v) for m, v in old.items()]
    month = visit_compliance(start=as_of.replace(day=1), end=as_of, area=code).values()
    assert (figures["summary"]["visits_month"], figures["summary"]["visit_days_month"]) == (
        sum(r.visits for r in month), sum(r.days for r in month))


@pytest.mark.parametrize("code", ["620000000000", "620502000000"])
def test_the_dashboards_year_figures_equal_the_engine_run_twice(world, code):
    from households.models import Area

    summary = compute(area=Area.objects.get(code=code), year=YEAR, as_of=D("2025-12-31"))["summary"]
    done = visit_compliance(start=D("2025-01-01"), end=D("2025-12-31"), area=code)
    on_pace = pace(on=D("2025-12-31"), area=code)
    assert (summary["visits"], summary["visit_days"], summary["cadres_due"], summary["cadres_on_track"]) == (
        sum(r.visits for r in done.values()), sum(r.days for r in done.values()), len(on_pace),
        sum(r.met for r in on_pace.values()))


def test_a_province_beside_another_counts_only_its_own(world):
    """The province's figures go to the engine without an area only when it holds every area."""
    from households.models import Area

    f.area("630000000000", "青海省")
    village = f.village("630102100001", "青海一村")
    cadre = f.CadreFactory()
    HouseholdPairing.objects.create(cadre=cadre, household=f.HouseholdFactory(village=village), start=D("2024-01-01"))
    Visit.objects.create(cadre=cadre, start=D("2025-02-27"), end=D("2025-03-03"))
    figures = compute(area=Area.objects.get(code="620000000000"), year=YEAR, as_of=D("2025-12-31"))
    old = month_by_month(YEAR, D("2025-12-31"), "620000000000")
    assert [(r["month"], r["visits"], r["days"]) for r in figures["trend"]] == [(m, *v) for m, v in old.items()]
    assert figures["summary"]["cadres_due"] == len(pace(on=D("2025-12-31"), area="620000000000"))
    assert old != month_by_month(YEAR, D("2025-12-31"), None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_read_side_by_side_equals_the_dashboard_read_in_order(world):
    """Outside a transaction on PostgreSQL the dashboard's reads run on several connections
    (``shuanglian.parallel``); every level's figures are those of the reads run one by one."""
    from django.db import connection
    from django.test import override_settings

    from households.models import Area
    from shuanglian.parallel import side_by_side

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    for code in ("620000000000", "620500000000", "620502100001"):
        area = Area.objects.get(code=code)
        with override_settings(FIGURES_CONNECTIONS=3):
            assert side_by_side()
            apart = compute(area=area, year=YEAR, as_of=D("2025-06-15"))
        with override_settings(FIGURES_CONNECTIONS=1):
            in_order = compute(area=area, year=YEAR, as_of=D("2025-06-15"))
        apart.pop("computed_at"), in_order.pop("computed_at")
        assert apart == in_order and apart["summary"]["visits"] > 0
