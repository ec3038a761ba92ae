"""The rarer records that change the leaders' figures renew them whichever door saved them: a
pairing's dates corrected in the admin, a household's status, an income, a poor-village flag,
leave, a visit policy (reports/services/renewals.py). The dashboards' generations say whether
the next read computes anew."""
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from households.models import Household, IncomeRecord, PoorAreaYear
from pairing.models import Leave, VillagePairing
from reports.services.renewals import EVERY_AREA, ONLY_WHEN, WATCHED
from shuanglian import freshness
from visits.models import VisitPolicy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
PROVINCE, MY_COUNTY, NEXT_COUNTY = "620000000000", "620502000000", "620503000000"


@pytest.fixture
def generations(counties):
    """Read the generations now; ``changed()`` says which of the three areas' have moved since."""
    codes = (PROVINCE, MY_COUNTY, NEXT_COUNTY)
    before = {code: freshness.generation(code) for code in codes}

    def changed() -> set[str]:
        return {code for code in codes if freshness.generation(code) != before[code]}

    return changed


def test_an_end_date_given_to_a_village_pairing_in_the_admin_renews_its_county_only(
        client, office, counties, generations, django_capture_on_commit_callbacks):
    pairing = VillagePairing.objects.get(village=counties["mine"]["village"])
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:pairing_villagepairing_change", args=[pairing.pk]), {
            "unit": pairing.unit_id, "village": pairing.village_id, "start": "2024-01-01", "end": "2025-03-31",
            "end_reason": "调整"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert generations() == {PROVINCE, MY_COUNTY}


def test_a_households_status_saved_renews_its_county(counties, generations, django_capture_on_commit_callbacks):
    household = counties["mine"]["household"]
    household.status, household.exit_year = Household.Status.EXITED, 2025
    with django_capture_on_commit_callbacks(execute=True):
        household.save()
    assert generations() == {PROVINCE, MY_COUNTY}


def test_a_household_moved_to_another_county_renews_both(counties, generations, django_capture_on_commit_callbacks):
    household = counties["mine"]["household"]
    household.village = counties["next"]["village"]
    with django_capture_on_commit_callbacks(execute=True):
        household.save()
    assert generations() == {PROVINCE, MY_COUNTY, NEXT_COUNTY}


def test_an_income_deleted_renews_its_households_county(counties, django_capture_on_commit_callbacks):
    income = IncomeRecord.objects.create(household=counties["next"]["household"], year=2025,
                                         resident_population=3, total_income=Decimal("9000"))
    before = freshness.generation(NEXT_COUNTY), freshness.generation(MY_COUNTY)
    with django_capture_on_commit_callbacks(execute=True):
        income.delete()
    assert freshness.generation(NEXT_COUNTY) != before[0]
    assert freshness.generation(MY_COUNTY) == before[1]


def test_a_poor_village_flag_removed_renews_its_county(counties, generations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PoorAreaYear.objects.filter(area=counties["next"]["village"]).get().delete()
    assert generations() == {PROVINCE, NEXT_COUNTY}


def test_leave_saved_renews_the_county_of_the_cadres_household(counties, generations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Leave.objects.create(cadre=counties["mine"]["cadre"], start=date(2025, 3, 1), end=date(2025, 3, 31), reason="病假")
    assert generations() == {PROVINCE, MY_COUNTY}


def test_a_visit_policy_changed_renews_every_area(counties, generations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        VisitPolicy.objects.create(subject=VisitPolicy.Subject.CADRE, year=2025, min_visits=6, min_days=20)
    assert generations() == {PROVINCE, MY_COUNTY, NEXT_COUNTY}


def test_a_save_rolled_back_renews_nothing(counties, generations, django_capture_on_commit_callbacks):
    from django.db import transaction

    household = counties["mine"]["household"]
    household.status, household.exit_year = Household.Status.EXITED, 2025
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                household.save()
                raise RuntimeError("abandoned")
        except RuntimeError:
            pass
    assert generations() == set()


@pytest.mark.parametrize("label", sorted(WATCHED))
def test_every_watched_path_leads_to_an_area_code(label, counties):
    model = apps.get_model(label)
    for path in WATCHED[label]:
        if path is not EVERY_AREA:
            list(model._default_manager.values_list(path, flat=True)[:1])  # a wrong path raises FieldError
    assert label not in ONLY_WHEN or ONLY_WHEN[label] in {f.attname for f in model._meta.concrete_fields}


def test_a_village_pairing_moved_to_another_village_renews_both(counties, generations, django_capture_on_commit_callbacks):
    pairing = VillagePairing.objects.get(village=counties["mine"]["village"])
    pairing.village = counties["next"]["village"]
    with django_capture_on_commit_callbacks(execute=True):
        pairing.save()
    assert generations() == {PROVINCE, MY_COUNTY, NEXT_COUNTY}


def test_a_cadre_moved_to_another_unit_renews_the_county_of_their_household(
        counties, generations, django_capture_on_commit_callbacks):
    cadre = counties["mine"]["cadre"]
    cadre.unit = counties["next"]["unit"]
    with django_capture_on_commit_callbacks(execute=True):
        cadre.save()
    assert generations() == {PROVINCE, MY_COUNTY}


def test_a_cadres_phone_corrected_renews_nothing(counties, generations, django_capture_on_commit_callbacks):
    cadre = counties["mine"]["cadre"]
    cadre.phone = "13900000000"
    with django_capture_on_commit_callbacks(execute=True):
        cadre.save()
    assert generations() == set()


def test_a_status_saved_with_update_fields_reads_no_stored_village(counties):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    household = counties["mine"]["household"]
    household.status, household.exit_year = Household.Status.EXITED, 2025
    with CaptureQueriesContext(connection) as queries:
        household.save(update_fields=["status", "exit_year"])
    assert not [q for q in queries if q["sql"].startswith("SELECT") and "households_household" in q["sql"]]


def test_projects_imported_in_bulk_renew_their_villages_county(counties, office, generations,
                                                              django_capture_on_commit_callbacks):
    from datetime import date as day

    from papers.services import import_projects

    mine = counties["mine"]
    row = {"_row": 2, "unit": mine["unit"], "village": mine["village"], "kind": "industry", "title": "养殖合作社",
           "year": 2025, "start": day(2025, 3, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        import_projects(office, [row])
    assert generations() == {PROVINCE, MY_COUNTY}
