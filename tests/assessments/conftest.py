from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from assessments.models import EvaluationRound
from tests import factories as f

YEAR = 2025


@pytest.fixture
def world(db):
    """秦州区: one unit paired with one village; its cadres 甲 (two households) and 乙 (one);
    a third cadre 丙 of the unit pairs no household. A round for 2025 over the county."""
    county, village = f.county(), f.village("620502100001", "一村")
    unit = f.UnitFactory(name="农业局", area=county)
    f.VillagePairingFactory(unit=unit, village=village, start=date(2024, 1, 1))
    first, second, third = (f.CadreFactory(unit=unit, name=n) for n in ("甲", "乙", "丙"))
    households = [f.HouseholdFactory(village=village) for _ in range(3)]
    for cadre, household in ((first, households[0]), (first, households[1]), (second, households[2])):
        f.HouseholdPairingFactory(cadre=cadre, household=household, start=date(2024, 1, 1))
    rnd = EvaluationRound.objects.create(year=YEAR, area=county, opens=date(YEAR, 12, 1), closes=date(YEAR, 12, 31))
    return SimpleNamespace(county=county, village=village, unit=unit, first=first, second=second, third=third,
                           households=households, round=rnd)


@pytest.fixture
def open_round(world):
    """The round of this year, open today, so that the ballot page accepts codes."""
    today = timezone.localdate()
    return EvaluationRound.objects.create(year=today.year, area=world.county, opens=today - timedelta(days=5),
                                          closes=today + timedelta(days=5))
