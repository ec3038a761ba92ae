"""The household's papers (docs/domain.md §12): what each role sees on them, masking by role, and
the county's handbooks streamed batch by batch with a fixed number of queries per batch."""
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Area
from pairing.models import Role
from papers.views import handbook_stream
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13893800001"


@pytest.fixture
def paired():
    pairing = f.HouseholdPairingFactory(cadre=f.CadreFactory(phone=PHONE))
    f.MemberFactory(household=pairing.household, birth_date=date(1990, 5, 6))
    visit = f.VisitFactory(cadre=pairing.cadre, households=[pairing.household], stayed=True, tasks=["policy"],
                           notes="了解春耕情况")
    f.HouseholdPlanFactory(household=pairing.household)
    return pairing, visit


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def office(**flags):
    return f.RoleFactory(kind=Role.Kind.OFFICE, area_id=f.COUNTY, **flags).user


def test_the_handbook_masks_id_numbers_and_phones_for_an_office_without_the_right(paired):
    pairing, _visit = paired
    page = client_of(office()).get(reverse("papers-handbook", args=[pairing.household.number])).content.decode()
    head = pairing.household.head_id_number
    assert head not in page and head[:6] + "********" + head[-4:] in page
    assert PHONE not in page and "138****0001" in page
    assert "1990-05-06" not in page
    assert "政策宣传" in page and "种植花椒3亩" in page


def test_the_handbook_shows_full_numbers_to_an_office_with_the_right(paired):
    pairing, _visit = paired
    page = client_of(office(can_view_id_numbers=True)).get(
        reverse("papers-handbook", args=[pairing.household.number])).content.decode()
    assert pairing.household.head_id_number in page and PHONE in page


def test_a_household_out_of_scope_has_no_handbook(paired):
    pairing, _visit = paired
    other = f.RoleFactory(kind=Role.Kind.OFFICE, area=f.area("620503000000", "麦积区")).user
    assert client_of(other).get(reverse("papers-handbook", args=[pairing.household.number])).status_code == 404


def test_a_cadre_prints_the_cards_of_their_households(paired):
    pairing, _visit = paired
    pairing.cadre.user = f.UserFactory()
    pairing.cadre.save()
    page = client_of(pairing.cadre.user).get(reverse("papers-cards")).content.decode()
    assert pairing.household.head_name in page and pairing.cadre.unit.name in page and "宣传政策" in page


def test_a_village_sheet_holds_ten_cards_a_page(paired):
    pairing, _visit = paired
    for _ in range(11):
        f.HouseholdPairingFactory(cadre=pairing.cadre, household=f.HouseholdFactory(village=pairing.household.village))
    page = client_of(office()).get(reverse("papers-cards") + f"?village={f.VILLAGE}").content.decode()
    assert page.count('class="sheet"') == 2 and page.count("data-card=") == 12


def test_the_diary_lists_the_cadres_visits_with_their_notes(paired):
    pairing, visit = paired
    page = client_of(office()).get(
        reverse("papers-diary") + f"?cadre={pairing.cadre.pk}&year={visit.start.year}").content.decode()
    assert "了解春耕情况" in page and pairing.household.head_name in page


def test_a_unit_administrator_cannot_open_another_units_cadres_diary(paired):
    pairing, _visit = paired
    admin = f.RoleFactory(kind=Role.Kind.UNIT_ADMIN, area=None, unit=f.UnitFactory()).user
    assert client_of(admin).get(reverse("papers-diary") + f"?cadre={pairing.cadre.pk}").status_code == 404


def test_the_county_download_streams(paired):
    response = client_of(office()).get(reverse("papers-handbook-download"))
    assert response.status_code == 200 and response.streaming
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.count('class="book"') == 1 and text.rstrip().endswith("</html>")


def test_a_leader_cannot_download_the_handbooks(paired):
    leader = f.RoleFactory(kind=Role.Kind.LEADER, area_id=f.COUNTY).user
    assert client_of(leader).get(reverse("papers-handbook-download")).status_code == 403


def _stream_queries(reader, batch: int) -> tuple[int, int]:
    county = Area.objects.get(code=f.COUNTY)
    with CaptureQueriesContext(connection) as captured:
        books = sum(part.count('class="book"') for part in handbook_stream(reader, county, batch=batch))
    return books, len(captured.captured_queries)


def test_the_stream_takes_a_fixed_number_of_queries_per_batch_not_per_household(paired):
    pairing, _visit = paired
    reader = office(can_view_id_numbers=True)
    for _ in range(3):
        extra = f.HouseholdPairingFactory(cadre=pairing.cadre)
        f.MemberFactory(household=extra.household)
        f.VisitFactory(cadre=pairing.cadre, households=[extra.household])
    books, one_batch = _stream_queries(reader, batch=4)
    assert books == 4
    for _ in range(4):
        extra = f.HouseholdPairingFactory(cadre=pairing.cadre)
        f.VisitFactory(cadre=pairing.cadre, households=[extra.household])
    books, two_batches = _stream_queries(reader, batch=4)
    assert books == 8
    per_batch = two_batches - one_batch
    assert 0 < per_batch <= 12 and one_batch - per_batch <= 4  # the numbers once, then ~10 queries a batch


def test_the_diary_shows_a_visits_photos(paired, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from visits.models import VisitPhoto

    settings.MEDIA_ROOT = tmp_path
    pairing, visit = paired
    photo = VisitPhoto.objects.create(visit=visit, image=SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0 not checked here"))
    page = client_of(office()).get(
        reverse("papers-diary") + f"?cadre={pairing.cadre.pk}&year={visit.start.year}").content.decode()
    assert reverse("visit-photo", args=[photo.pk]) in page and photo.image.url not in page  # served by its scoped view
