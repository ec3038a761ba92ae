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


