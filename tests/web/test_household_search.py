"""The office's household list searches by household number or head's name (households/filters.py)."""
import pytest
from django.urls import reverse

from households.models import Household

pytestmark = pytest.mark.django_db


def listed(client, **query) -> list[str]:
    page = client.get(reverse("home"), query)
    assert page.status_code == 200
    return [h.number for h in page.context["page"]]


def test_the_search_finds_a_household_by_part_of_its_head_name(client, office, counties):
    mine = counties["mine"]["household"]
    Household.objects.create(number="H620502B", village=mine.village, head_name="王五", head_id_number="",
                             kind="rural", resident_population=2)
    client.force_login(office)
    assert listed(client, q=" 秦州 ") == [mine.number]


def test_the_search_finds_a_household_by_part_of_its_number(client, office, counties):
    client.force_login(office)
    assert listed(client, q="h6205") == [counties["mine"]["household"].number]


def test_a_search_that_matches_nothing_lists_nothing(client, office, counties):
    client.force_login(office)
    assert listed(client, q="秦" * 51) == []
