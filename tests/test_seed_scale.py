"""seed_scale: a deterministic synthetic province that keeps every rule of the app.

The tests seed a tiny province (a couple of hundred households) on the real divisions of two
cities, so that each takes a second or two.
"""
import csv
import gzip
import hashlib
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from stdnum.cn import ric

from households.management.commands.load_divisions import DATA
from households.models import Area, Household, Member
from households.services import load_divisions
from pairing.models import Cadre, HouseholdPairing, Role, Unit
from pairing.selectors import households_without_cadre
from seeding import scale
from tests import factories as f
from visits.models import AnomalyFlag, Visit

pytestmark = pytest.mark.django_db
HOUSEHOLDS = 240
YEAR = scale.DEFAULT_YEAR


@pytest.fixture
def divisions():
    """The real divisions of 天水市 and 定西市 (a subset of Gansu's, for speed)."""
    with gzip.open(DATA / "divisions_62.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        rows = [(r["code"], r["name"], r["level"]) for r in csv.DictReader(handle)
                if r["code"][:4] in ("6200", "6205", "6211")]
    load_divisions(rows)


def seed(**kwargs):
    kwargs.setdefault("size", scale.Size(HOUSEHOLDS))
    return scale.seed_province(log=lambda line: None, **kwargs)


def this_database() -> str:
    return connection.settings_dict["NAME"]


def fingerprint() -> str:
    """What the province holds, by natural keys (database ids left out)."""
    cadres = dict(Cadre.objects.values_list("pk", "id_number"))
    numbers = dict(Household.objects.values_list("pk", "number"))
    parts = [
        sorted(Household.objects.values_list("number", "village_id", "head_id_number", "status", "resident_population")),
        sorted(Member.objects.values_list("id_number", "household__number", "relation", "birth_date")),
        sorted(Cadre.objects.values_list("id_number", "unit__code", "rank", "category")),
        sorted(HouseholdPairing.objects.values_list("cadre__id_number", "household__number", "start", "end")),
        sorted((cadres[c], s, e, numbers[h]) for c, s, e, h in Visit.objects.values_list("cadre_id", "start", "end", "households")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_the_same_seed_gives_the_same_province_and_another_seed_another(divisions):
    seed()
    first = fingerprint()
    seed(flush=True, disposable=this_database())
    assert fingerprint() == first
    seed(flush=True, seed=7, disposable=this_database())
    assert fingerprint() != first


def test_a_database_that_holds_households_is_refused_and_left_as_it_was(divisions):
    f.HouseholdFactory()
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_scale", "--households", "50", stdout=io.StringIO())
    assert (Household.objects.count(), Unit.objects.count(), Cadre.objects.count()) == (1, 0, 0)


def test_flush_replaces_the_campaign_data_and_keeps_the_offices(divisions):
    old = f.HouseholdPairingFactory()
    office = f.RoleFactory(area=Area.objects.get(code="620500000000"))
    f.RoleFactory(kind=Role.Kind.UNIT_ADMIN, area=None, unit=old.cadre.unit)
    call_command("seed_scale", "--households", str(HOUSEHOLDS), "--flush", "--disposable", this_database(),
                 "--no-verify", stdout=io.StringIO())
    assert not Household.objects.filter(number=old.household.number).exists()
    assert not Cadre.objects.filter(id_number=old.cadre.id_number).exists()
    assert list(Role.objects.all()) == [office]
    assert Household.objects.count() == HOUSEHOLDS


def _campaign_and_trail():
    return (Household.objects.count(), Cadre.objects.count(), HouseholdPairing.objects.count(),
            Household.history.count(), HouseholdPairing.history.count())


def test_flush_without_naming_the_database_disposable_is_refused_and_deletes_nothing(divisions):
    f.HouseholdPairingFactory()
    before = _campaign_and_trail()
    with pytest.raises(CommandError, match="--disposable") as refusal:
        call_command("seed_scale", "--households", "50", "--flush", "--no-verify", stdout=io.StringIO())
    assert f"“{this_database()}”" in str(refusal.value)
    assert _campaign_and_trail() == before and before[0] and before[3]


def test_flush_naming_another_database_is_refused_and_deletes_nothing(divisions):
    f.HouseholdPairingFactory()
    before = _campaign_and_trail()
    with pytest.raises(CommandError, match="shuanglian_scale") as refusal:
        call_command("seed_scale", "--households", "50", "--flush", "--disposable", "shuanglian_scale",
                     "--no-verify", stdout=io.StringIO())
    assert f"“{this_database()}”" in str(refusal.value)
    assert _campaign_and_trail() == before


def test_flushing_the_campaign_directly_also_needs_the_database_named():
    f.HouseholdFactory()
    with pytest.raises(scale.Refused):
        scale.flush_campaign(disposable=None)
    assert Household.objects.count() == 1


def test_every_row_keeps_the_rules_the_app_checks(divisions):
    seed()
    check = scale.verify(sample=60)
    assert check.problems == []
    assert check.sampled > 300


def test_every_visit_names_only_households_paired_with_its_cadre_for_the_whole_trip(divisions):
    seed()
    assert Visit.objects.count() > HOUSEHOLDS
    assert scale.visits_outside_pairings() == 0


def test_the_province_has_hand_overs_overlaps_partial_years_and_gaps(divisions):
    seed()
    handed = HouseholdPairing.objects.filter(successor__isnull=False)
    assert handed.exists()
    assert all(p.successor.start == date.fromordinal(p.end.toordinal() + 1) for p in handed)
    assert AnomalyFlag.objects.filter(kind=AnomalyFlag.Kind.OVERLAP).exists()
    assert HouseholdPairing.objects.filter(start__gt=date(YEAR, 1, 1)).exists()  # joined during the year
    assert households_without_cadre(on=date(YEAR, 12, 31)).exists()


def test_accounts_have_no_usable_password(divisions):
    seed()
    cadre = Cadre.objects.select_related("user").first()
    assert cadre.user.username == cadre.id_number
    assert not cadre.user.has_usable_password()


def test_the_compliance_command_runs_on_the_province(divisions):
    seed()
    out = io.StringIO()
    call_command("compliance", "--year", str(YEAR), stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert len(rows) > HOUSEHOLDS // 2
    assert {r[-1] for r in rows} == {"是", "否"}  # some meet the rule, some are behind


def test_the_benchmark_query_gives_the_selectors_figures(divisions):
    from bench.compliance import compare, hand_written
    from visits.selectors import year_compliance

    seed()
    assert hand_written(year=YEAR) == year_compliance(year=YEAR)
    result = compare(year=YEAR, rounds=1)
    assert result.rows > 0 and result.selector_seconds > 0 and result.sql_seconds > 0


def test_id_numbers_carry_the_gb_11643_check_digit():
    for body in ("62050219700101011", "62110220000229123", "62010219851231999"):
        assert scale.id_check_digit(body) == ric.calc_check_digit(body + "0")


def test_the_province_has_resident_postings_with_stays_and_some_leave(divisions):
    from pairing.models import Leave, Posting
    from visits.models import Stay

    seed()
    assert Posting.objects.exists() and Stay.objects.count() > Posting.objects.count() and Leave.objects.exists()
    assert not Stay.objects.exclude(cadre_id=F("posting__cadre_id")).exists()


def test_the_benchmark_query_gives_the_selectors_figures_for_residents_and_leave(divisions):
    from bench.compliance import hand_written
    from visits.selectors import year_compliance

    seed()
    residents = year_compliance(year=YEAR, subject="resident")
    assert hand_written(year=YEAR, subject="resident") == residents
    assert any(r.leave_days for r in year_compliance(year=YEAR).values())  # the leave is counted, not only seeded
