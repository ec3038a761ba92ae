"""Policies as data: the province rule is the province office's; an office sets its own area's."""
import pytest
from django.urls import reverse

from pairing.models import QuotaPolicy
from visits.models import VisitPolicy

pytestmark = pytest.mark.django_db


def test_a_county_office_cannot_change_the_province_visit_rule(client, office):
    client.force_login(office)
    rule = VisitPolicy.objects.get(area=None, subject="cadre")
    response = client.post(reverse("admin:visits_visitpolicy_change", args=[rule.pk]),
                           {"subject": "cadre", "min_visits": 1, "min_days": 1, "backdate_days": 30, "max_trip_days": 31})
    assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.min_visits, rule.min_days) == (4, 15)


def test_a_county_office_cannot_change_the_province_quota(client, office):
    client.force_login(office)
    quota = QuotaPolicy.objects.get(area=None, rank="section")
    assert client.post(reverse("admin:pairing_quotapolicy_change", args=[quota.pk]),
                       {"rank": "section", "min_households": 9}).status_code == 403


def test_the_visit_policy_export_does_not_offer_the_per_household_minimum_it_does_not_count(client, office):
    client.force_login(office)
    response = client.post(reverse("admin:visits_visitpolicy_export"), {"format": "1", "resource": "0"})
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "min_days" in header and "per_household_min" not in header
