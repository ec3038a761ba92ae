"""The office reviews anomaly flags in the admin; a flag of another county is out of reach."""
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from visits.models import AnomalyFlag
from visits.services import log_visit

pytestmark = pytest.mark.django_db


def overlapping_trips(county):
    today = timezone.localdate()
    for start, end in ((6, 4), (4, 2)):
        log_visit(cadre=county["cadre"], households=[county["household"]], start=today - timedelta(days=start),
                  end=today - timedelta(days=end), key=uuid.uuid4())
    return AnomalyFlag.objects.get(visit__cadre=county["cadre"])


def test_an_office_clears_a_flag_of_its_county(client, office, counties):
    flag = overlapping_trips(counties["mine"])
    client.force_login(office)
    client.post(reverse("admin:visits_anomalyflag_changelist"),
                {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "cleared" and flag.reviewed_by == office


def test_a_flag_of_the_next_county_cannot_be_cleared(client, office, counties):
    flag = overlapping_trips(counties["next"])
    client.force_login(office)
    client.post(reverse("admin:visits_anomalyflag_changelist"),
                {"action": "mark_cleared", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == "open"




def test_an_office_escalated_demand_is_resolved_with_a_note_in_the_admin(client, office, counties):
    from visits.services import advance_demand, record_demand

    mine = counties["mine"]
    demand = record_demand(cadre=mine["cadre"], household=mine["household"], category="housing", text="危房")
    advance_demand(demand=demand, status="escalated", note="上报", by=None)
    client.force_login(office)
    url = reverse("admin:visits_demand_change", args=[demand.pk])
    empty = {"follow_ups-TOTAL_FORMS": 0, "follow_ups-INITIAL_FORMS": 0}
    page = client.post(url, {"next_status": "resolved", "follow_up": "", **empty})
    assert "请填写办理情况" in page.text
    client.post(url, {"next_status": "resolved", "follow_up": "已列入危改计划", **empty})
    demand.refresh_from_db()
    assert demand.status == "resolved" and demand.follow_ups.last().by == office
