"""Typical cases: submission within one's scope, photos checked, one case per key, review by
the office of the area, and the public pages showing published cases only."""
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publicity.models import CasePhoto, CaseStatus, TypicalCase
from publicity.services import review_case, submit_case
from shuanglian.errors import DomainError
from visits import photos as visit_photos

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def submit(user, **kwargs):
    values = {"category": "industry", "title": "苹果产业带富一村", "text": "培育苹果产业，户均增收三千元。"}
    values.update(kwargs)
    return submit_case(by=user, **values)[0]


def test_a_unit_administrator_submits_a_case_of_its_unit_with_a_photo(unit_admin, world):
    case = submit(unit_admin, photos=[jpeg()])
    assert (case.unit, case.area_id, case.status) == (world["mine"]["unit"], "620502000000", CaseStatus.SUBMITTED)
    assert case.photos.count() == 1


def test_a_case_about_a_village_belongs_to_the_village(office, world):
    case = submit(office, village=world["mine"]["village"])
    assert case.area_id == world["mine"]["village"].code


def test_a_case_about_a_cadre_outside_ones_scope_is_refused_and_nothing_stored(unit_admin, world):
    with pytest.raises(DomainError) as refused:
        submit(unit_admin, cadre=world["next"]["cadre"], photos=[jpeg()])
    assert "不在您的管辖范围内" in str(refused.value)
    assert not TypicalCase.objects.exists() and not CasePhoto.objects.exists()


def test_an_office_cannot_submit_a_case_about_another_countys_village(office, world):
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        submit(office, village=world["next"]["village"])
    assert not TypicalCase.objects.exists()


def test_a_leader_cannot_submit_a_case(leader):
    with pytest.raises(DomainError, match="只有双联办和单位管理员可以报送典型"):
        submit(leader)


def test_an_oversized_photo_is_refused_and_nothing_stored(unit_admin, monkeypatch):
    monkeypatch.setattr(visit_photos, "PHOTO_MAX_BYTES", 100)
    with pytest.raises(DomainError, match="超过"):
        submit(unit_admin, photos=[jpeg(size=(400, 300))])
    assert not TypicalCase.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_stored(unit_admin):
    with pytest.raises(DomainError, match="不是可识别的照片"):
        submit(unit_admin, photos=[SimpleUploadedFile("a.jpg", b"%PDF-1.4 not a photo")])
    assert not TypicalCase.objects.exists()


def test_a_gif_is_refused_with_the_accepted_formats(unit_admin):
    with pytest.raises(DomainError, match="只接受JPEG、PNG或WebP"):
        submit(unit_admin, photos=[jpeg(fmt="GIF", name="a.gif")])


def test_a_resent_form_stores_one_case(unit_admin):
    key = uuid.uuid4()
    first, again = submit(unit_admin, key=key), submit(unit_admin, key=key)
    assert first.pk == again.pk and TypicalCase.objects.count() == 1


def test_the_office_of_the_area_publishes_a_case(office, unit_admin):
    case = review_case(case=submit(unit_admin), by=office, publish=True)
    assert case.status == CaseStatus.PUBLISHED and case.published_at is not None


def test_another_countys_office_cannot_review_the_case(other_office, unit_admin):
    case = submit(unit_admin)
    with pytest.raises(DomainError, match="不在您的审核范围内"):
        review_case(case=case, by=other_office, publish=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_returning_a_case_needs_a_reason(office, unit_admin):
    case = submit(unit_admin)
    with pytest.raises(DomainError, match="退回时请填写原因"):
        review_case(case=case, by=office, publish=False, reason=" ")
    review_case(case=case, by=office, publish=False, reason="材料不全")
    case.refresh_from_db()
    assert (case.status, case.return_reason) == (CaseStatus.RETURNED, "材料不全")


def test_the_submission_page_stores_a_case_with_its_photo(client, unit_admin):
    client.force_login(unit_admin)
    response = client.post(reverse("publicity-case-new"), {
        "category": "model_person", "title": "扎根山村的好干部", "text": "三年走访三百余次。", "photos": [jpeg()],
        "key": str(uuid.uuid4())})
    case = TypicalCase.objects.get()
    assert response.status_code == 302 and case.photos.count() == 1


def test_the_submission_page_shows_a_wrong_photo_in_chinese_and_stores_nothing(client, unit_admin):
    client.force_login(unit_admin)
    response = client.post(reverse("publicity-case-new"), {
        "category": "industry", "title": "标题", "text": "正文",
        "photos": [SimpleUploadedFile("x.png", b"not an image")], "key": str(uuid.uuid4())})
    assert response.status_code == 200 and "不是可识别的照片" in response.content.decode()
    assert not TypicalCase.objects.exists()


def test_the_office_publishes_on_the_case_page(client, office, unit_admin):
    case = submit(unit_admin)
    client.force_login(office)
    client.post(reverse("publicity-case", args=[case.pk]), {"action": "publish"})
    case.refresh_from_db()
    assert case.is_published


# --- the public pages, as anonymous -------------------------------------------------------------------------

def test_the_public_pages_show_published_cases_only(client, office, unit_admin):
    published = review_case(case=submit(unit_admin, title="已发布的典型"), by=office, publish=True)
    waiting = submit(unit_admin, title="待审核的典型")
    index = client.get(reverse("public-index")).content.decode()
    assert "已发布的典型" in index and "待审核的典型" not in index
    assert client.get(reverse("public-case", args=[published.pk])).status_code == 200
    assert client.get(reverse("public-case", args=[waiting.pk])).status_code == 404


def test_the_public_case_page_shows_no_id_number(client, office, unit_admin, world):
    cadre = world["mine"]["cadre"]
    case = review_case(case=submit(unit_admin, cadre=cadre), by=office, publish=True)
    page = client.get(reverse("public-case", args=[case.pk])).content.decode()
    assert cadre.name in page and cadre.id_number not in page and "csrfmiddlewaretoken" not in page


def test_only_photos_of_published_cases_are_served_to_the_public(client, office, unit_admin):
    published = review_case(case=submit(unit_admin, photos=[jpeg()]), by=office, publish=True)
    waiting = submit(unit_admin, photos=[jpeg()])
    shown = client.get(reverse("public-photo", args=[published.photos.get().pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert client.get(reverse("public-photo", args=[waiting.photos.get().pk])).status_code == 404


def test_a_returned_case_leaves_the_public_page(client, office, unit_admin):
    case = review_case(case=submit(unit_admin), by=office, publish=True)
    review_case(case=case, by=office, publish=False, reason="事迹有误")
    assert client.get(reverse("public-case", args=[case.pk])).status_code == 404


def test_the_scoped_photo_page_refuses_another_county(client, other_office, unit_admin):
    case = submit(unit_admin, photos=[jpeg()])
    client.force_login(other_office)
    assert client.get(reverse("publicity-case-photo", args=[case.photos.get().pk])).status_code == 404
