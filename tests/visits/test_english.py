"""The visits interface in English: form labels, rule messages and the cadre's workspace.

Chinese stays the default; English is chosen per request (the language cookie or the browser's
Accept-Language, read by LocaleMiddleware) or with translation.override in code.
"""
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from households.models import Household
from shuanglian.errors import DomainError
from tests import factories as f
from visits.forms import DeedForm, DemandForm, VisitForm
from visits.services.trips import check_visit, log_visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

TODAY = timezone.localdate()


@pytest.fixture
def pairing():
    return f.HouseholdPairingFactory(start=TODAY - timedelta(days=400))


@pytest.fixture
def cadre_client(client, pairing):
    pairing.cadre.user = f.UserFactory(username=pairing.cadre.id_number)
    pairing.cadre.save(update_fields=["user"])
    client.force_login(pairing.cadre.user)
    return client


def labels(form) -> dict[str, str]:
    return {name: str(field.label) for name, field in form.fields.items() if field.label}


def test_the_visit_form_labels_are_english():
    with translation.override("en"):
        form = VisitForm(households=Household.objects.none())
        shown = labels(form)
    assert shown["households"] == "Households visited"
    assert shown["start"] == "Start date" and shown["end"] == "End date"
    assert shown["stayed"] == "Stayed in the village"
    assert shown["tasks"] == "Tasks carried out"
    assert shown["photos"] == "Photos (optional)"
    assert not any("\u4e00" <= ch <= "\u9fff" for text in shown.values() for ch in text)


def test_the_visit_form_labels_stay_chinese_by_default():
    form = VisitForm(households=Household.objects.none())
    assert str(form.fields["households"].label) == "走访农户"


def test_the_demand_and_deed_forms_are_english():
    with translation.override("en"):
        demand, deed = DemandForm(households=Household.objects.none()), DeedForm(households=Household.objects.none())
        assert labels(demand)["text"] == "Concern"
        assert labels(deed)["money"] == "Amount (yuan)"
        assert str(deed.fields["household"].empty_label) == "Choose a paired household"


def test_the_visit_forms_own_errors_are_english(pairing):
    with translation.override("en"):
        form = VisitForm({"start": "not a date", "end": TODAY, "key": str(uuid.uuid4())},
                         households=Household.objects.filter(pk=pairing.household.pk))
        assert not form.is_valid()
        assert form.errors["households"] == ["Please choose at least one paired household."]
        assert form.errors["start"] == ["Please enter a valid date."]


def test_a_future_visit_is_refused_in_english(pairing):
    tomorrow = TODAY + timedelta(days=1)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        log_visit(cadre=pairing.cadre, households=[pairing.household], start=tomorrow, end=tomorrow, key=uuid.uuid4())
    assert refused.value.message_dict == {"start": ["A visit cannot be logged for a date after today."]}


def test_the_same_rule_speaks_chinese_by_default(pairing):
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        check_visit(cadre=pairing.cadre, households=[pairing.household], start=tomorrow, end=tomorrow, own_entry=True)
    assert refused.value.message_dict == {"start": ["不能登记今天以后的走访。"]}


def test_unpaired_households_are_listed_in_an_english_sentence(pairing):
    others = [f.HouseholdFactory(number="H900001"), f.HouseholdFactory(number="H900002")]
    day = TODAY - timedelta(days=1)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        check_visit(cadre=pairing.cadre, households=others, start=day, end=day, own_entry=True)
    assert refused.value.message_dict["households"] == [
        "Households H900001, H900002 were not paired with this cadre during the visit."]


def test_the_workspace_is_english_with_the_language_cookie(cadre_client):
    cadre_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = cadre_client.get(reverse("visits-workspace"))
    assert page.status_code == 200
    assert 'lang="en"' in page.text
    for text in ("My paired households", "Visits this year", "Total days", "Log a visit", "My visits"):
        assert text in page.text
    assert "我的联系户" not in page.text and "登记走访" not in page.text


def test_the_workspace_is_english_for_an_english_browser(cadre_client):
    page = cadre_client.get(reverse("visits-workspace"), HTTP_ACCEPT_LANGUAGE="en")
    assert "My paired households" in page.text


def test_the_workspace_is_chinese_by_default(cadre_client):
    page = cadre_client.get(reverse("visits-workspace"))
    assert "我的联系户" in page.text and "My paired households" not in page.text


def test_a_future_visit_posted_in_english_shows_the_english_message(cadre_client, pairing):
    tomorrow = TODAY + timedelta(days=1)
    page = cadre_client.post(reverse("visits-log"), {
        "households": [pairing.household.pk], "start": tomorrow, "end": tomorrow, "key": str(uuid.uuid4()),
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "A visit cannot be logged for a date after today." in page.text
