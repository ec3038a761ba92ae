"""`compliance` writes the CSV of docs/roster-format.md."""
import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from visits.models import UnitVisit, Visit

pytestmark = pytest.mark.django_db


def run(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_cadre_rows_follow_the_contract_and_are_sorted_by_id_number():
    late = f.HouseholdPairingFactory(cadre=f.CadreFactory(id_number=f.id_number(region="620502", order=99)))
    early = f.HouseholdPairingFactory(cadre=f.CadreFactory(id_number=f.id_number(region="620102", order=11)))
    for month in (3, 5, 7, 9):
        Visit.objects.create(cadre=early.cadre, start=date(2025, month, 1), end=date(2025, month, 4))
    rows = run("--year", "2025")
    assert rows[0] == ["身份证号", "姓名", "单位代码", "走访次数", "累计天数", "应走访次数", "应累计天数", "是否达标"]
    assert rows[1] == [early.cadre.id_number, early.cadre.name, early.cadre.unit.code, "4", "16", "4", "15", "是"]
    assert rows[2][0] == late.cadre.id_number and rows[2][-1] == "否"


def test_unit_rows_follow_the_contract():
    pairing = f.VillagePairingFactory(start=date(2025, 7, 1))
    UnitVisit.objects.create(unit=pairing.unit, village=pairing.village, start=date(2025, 8, 1), end=date(2025, 8, 3))
    rows = run("--year", "2025", "--subject", "unit")
    assert rows[0] == ["单位代码", "村代码", "走访次数", "累计天数", "应走访次数", "应累计天数", "是否达标"]
    assert rows[1] == [pairing.unit.code, pairing.village_id, "1", "3", "3", "16", "否"]  # ceil(4×184/365), ceil(30×184/365)


def test_area_keeps_only_pairings_of_households_in_that_area():
    inside = f.HouseholdPairingFactory()
    f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village("620503100001", "麦积一村")))
    rows = run("--year", "2025", "--area", "620502000000")
    assert [r[0] for r in rows[1:]] == [inside.cadre.id_number]


def test_an_unknown_area_is_a_clear_error():
    with pytest.raises(CommandError, match="不存在"):
        run("--year", "2025", "--area", "629999000000")
