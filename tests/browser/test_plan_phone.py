"""A cadre keeps a household's plan on a phone (adds a "32111" measure) and the ledger shows it."""
import openpyxl
import pytest
from django.utils import timezone

from households.models import PlanMeasure
from reports.ledger import write_ledger
from shuanglian.scoping import Scope
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_adds_a_32111_measure_on_a_phone_and_the_ledger_shows_it(phone, live_server, cadre, tmp_path):
    household = cadre.pairings.get().household
    sign_in(phone, f"{live_server.url}/accounts/login/", cadre.id_number)
    phone.wait_for_selector("#progress")
    phone.goto(f"{live_server.url}/households/{household.number}/")
    phone.click("#plan-link")
    phone.wait_for_selector("form[data-outbox]#plan-form")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.fill("input[name=target_income]", "4600")
    phone.fill("input[name=exit_deadline]", str(timezone.localdate().year + 1))
    phone.select_option("select[name=measures-0-kind]", "industry")
    phone.select_option("select[name=measures-0-item]", "ewes")
    phone.fill("input[name=measures-0-planned]", "3000")
    phone.click("#add-measure")  # a second row, added on the page
    phone.select_option("select[name=measures-1-kind]", "labour")
    phone.fill("input[name=measures-1-description]", "外出务工")
    phone.click("#save-plan")
    phone.wait_for_selector("p.message.success")
    assert list(PlanMeasure.objects.order_by("pk").values_list("kind", "item")) == [("industry", "ewes"), ("labour", "")]

    path = tmp_path / "ledger.xlsx"
    write_ledger(str(path), scope=Scope(everything=True), year=timezone.localdate().year)
    row = next(openpyxl.load_workbook(path)["户增收措施"].iter_rows(min_row=4, values_only=True))
    assert row[3] == household.number and "2只基础母羊" in row[7]
