"""The cadre sheet exported from the admin masks mobile numbers as the screens do, for a reader
without 可查看完整身份证号 (README: Roles and scope)."""
import pytest
from django.urls import reverse

from pairing.models import Cadre

pytestmark = pytest.mark.django_db
PHONE = "13893800001"


@pytest.fixture
def with_phone(counties):
    Cadre.objects.filter(pk=counties["mine"]["cadre"].pk).update(phone=PHONE)
    return counties


def export(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("admin:pairing_cadre_export"), {"format": "1", "resource": "0"})  # CSV
    assert response.status_code == 200
    return response.content.decode()


def test_the_cadre_export_of_a_masked_reader_masks_mobile_numbers(client, with_phone, office):
    text = export(client, office)
    assert PHONE not in text and "138****0001" in text


def test_the_cadre_export_keeps_mobile_numbers_for_a_reader_allowed_them(client, with_phone, office_seeing_ids):
    assert PHONE in export(client, office_seeing_ids)
