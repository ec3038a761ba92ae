"""A dashboard computed from nothing asks the database a fixed number of times at every level,
however many child areas, cadres, trips and months it counts: the trend is one statement, the
child areas share the area's pace. The counts are pinned, so that a query added to the
dashboard is a decision, not an accident."""
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Area
from pairing.models import HouseholdPairing, VillagePairing
from reports.dashboard import compute
from tests import factories as f
from visits.models import UnitVisit, Visit

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 11, 20)  # eleven months of trend
# The queries of one dashboard, per level: the village lists its households instead of children.
QUERIES = {"620000000000": 39, "620500000000": 39, "620502000000": 39, "620502100000": 39, "620502100001": 35}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-01-10T10:00:00+08:00", tick=False):
        yield


class Grower:
    """Each row: a new city (with its county, township and village) and a new village in 秦州一乡,
    each with a unit, a cadre, households, pairings and trips across month ends."""

    def __init__(self, tree):
        self.tree = tree
        self.rows = 0

    def grow(self, rows: int) -> None:
        for _ in range(rows):
            self.rows += 1
            i = self.rows
            city = f"62{10 + i:02d}"
            f.area(f"{city}00000000", f"新市{i}")
            f.area(f"{city}01000000", f"新县{i}")
            f.area(f"{city}01100000", f"新镇{i}")
            self._village(f.village(f"{city}01100001", f"新市村{i}"), i)
            self._village(f.village(f"620502100{100 + i:03d}", f"新村{i}"), i)

    def _village(self, village: Area, i: int) -> None:
        unit = f.UnitFactory()
        VillagePairing.objects.create(unit=unit, village=village, start=date(2024, 1, 1))
        for n in range(2):
            cadre = f.CadreFactory(unit=unit)
            household = f.HouseholdFactory(village=village)
            HouseholdPairing.objects.create(cadre=cadre, household=household, start=date(2025, 1 + n, 1))
            for month in range(1, 12):
                Visit.objects.create(cadre=cadre, start=date(2025, month, 27), end=date(2025, month + 1, 2))
        UnitVisit.objects.create(unit=unit, village=village, start=date(2025, 3, i), end=date(2025, 3, i), people=2)


def queries(code: str) -> int:
    area = Area.objects.get(code=code)
    with CaptureQueriesContext(connection) as captured:
        compute(area=area, year=AS_OF.year, as_of=AS_OF)
    return len(captured)


@pytest.mark.parametrize("code", list(QUERIES), ids=["province", "city", "county", "township", "village"])
def test_a_dashboard_takes_as_many_queries_however_many_rows(tree, code):
    grower = Grower(tree)
    grower.grow(1)
    before = queries(code)
    grower.grow(3)
    assert (before, queries(code)) == (QUERIES[code], QUERIES[code])
