"""A cadre fills the exit checklist on a phone, with one photo, and sees the household may be proposed."""
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from identification.models import ExitCheckItem
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_fills_the_checklist_with_a_photo_and_sees_the_household_may_be_proposed(
        phone, live_server, cadre, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    household = cadre.pairings.get().household
    f.IncomeRecordFactory(household=household, year=timezone.localdate().year, resident_population=1,
                          total_income=Decimal("6000"))
    photo = tmp_path / "house.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 90, 60)).save(out, "JPEG")
    photo.write_bytes(out.getvalue())

    sign_in(phone, f"{live_server.url}/accounts/login/", cadre.id_number)
    phone.wait_for_selector("#progress")
    phone.goto(f"{live_server.url}/identification/checklists/")
    phone.click(f"text={household.head_name}")
    phone.wait_for_selector("form[data-outbox]#checklist-form")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    for key in ("food", "clothing", "schooling", "medical", "housing"):
        phone.check(f"input[name={key}][value=yes]")
    phone.fill("textarea[name=housing_note]", "砖混结构，已鉴定安全")
    phone.set_input_files("input[name=housing_photo]", str(photo))
    phone.click("#save-checklist")
    phone.wait_for_selector("#result")
    assert "可以提出脱贫申请" in phone.inner_text("#result")
    assert ExitCheckItem.objects.get(item="housing").photo
