"""The papers and the project rules in English (the language cookie); data stays as entered."""
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pairing.models import Role
from papers.services import record_project
from reports.figures import FIGURES
from tests import factories as f

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADINGS = re.compile(r"<(title|h1|h2|h3)\b[^>]*>(.*?)</\1>", re.S)


def english_client(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_handbook_and_the_cards_have_english_headings():
    pairing = f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village(name="Maple")))
    office = f.RoleFactory(kind=Role.Kind.OFFICE, area_id=f.COUNTY).user
    client = english_client(office)
    for path in (reverse("papers-handbook", args=[pairing.household.number]),
                 reverse("papers-cards") + f"?village={f.VILLAGE}"):
        html = client.get(path).content.decode()
        headings = [re.sub(r"<[^>]+>", "", t).strip() for _tag, t in HEADINGS.findall(html)]
        assert headings and not [h for h in headings if CJK.search(h)], (path, headings)


def test_a_projects_rule_speaks_english():
    office = f.RoleFactory(kind=Role.Kind.LEADER, area_id=f.COUNTY).user
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        record_project(office, village=f.village(), kind="training", title="x", year=2025, start=None)
    assert "Your role may only read" in str(caught.value)


def test_the_new_report_figures_have_english_labels():
    with translation.override("en"):
        assert str(FIGURES["task_policy"].label).startswith("Task carried out")
        assert str(FIGURES["funds_total"].label) == "Help funds in all (yuan)"


def test_the_county_download_is_in_the_readers_language():
    f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village(name="Maple")))
    office = f.RoleFactory(kind=Role.Kind.OFFICE, area=f.county(name="Qinzhou")).user
    text = b"".join(english_client(office).get(reverse("papers-handbook-download")).streaming_content).decode()
    assert "<h1>Help handbook</h1>" in text and "<th>Telephone</th>" in text and "帮扶责任人" not in text
