"""The doors the phone's outbox sends through: demands and deeds carry an idempotency key like
visits and stays (a replay by its author answers 200 with the first record, anyone else's is
refused), and a visit posted as multipart carries its photos and location."""
import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from visits.models import Deed, Demand, Visit

from .conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()
TAKEN = "该提交标识已被他人使用"


def demand(county, key):
    return {"idempotency_key": str(key), "household": county["household"].number, "category": "housing",
            "text": "屋顶漏雨"}


def deed(county, key):
    return {"idempotency_key": str(key), "household": county["household"].number, "on": str(TODAY),
            "category": "goods", "description": "送米面油", "money": "200"}


@pytest.mark.parametrize("body, model", [(demand, Demand), (deed, Deed)])
def test_a_replayed_demand_or_deed_answers_200_with_the_first_record(as_cadre, counties, body, model):
    sent = body(counties["mine"], uuid.uuid4())
    first = as_cadre.post(f"/api/v1/{model._meta.model_name}s/", sent)
    again = as_cadre.post(f"/api/v1/{model._meta.model_name}s/", sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and model.objects.count() == 1


@pytest.mark.parametrize("body, model", [(demand, Demand), (deed, Deed)])
def test_a_demand_or_deed_key_of_another_cadre_is_refused(as_cadre, counties, body, model):
    key = uuid.uuid4()
    as_cadre.post(f"/api/v1/{model._meta.model_name}s/", body(counties["mine"], key))
    other = signed_in(counties["next"]["cadre"].user)
    response = other.post(f"/api/v1/{model._meta.model_name}s/", body(counties["next"], key))
    assert response.status_code == 400 and TAKEN in response.json()["idempotency_key"][0]
    assert model.objects.count() == 1


def test_the_phone_form_of_a_demand_stores_a_resent_key_once(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    data = {"household": mine["household"].pk, "category": "housing", "text": "屋顶漏雨", "key": str(uuid.uuid4())}
    client.post(reverse("visits-demand-new"), data)
    client.post(reverse("visits-demand-new"), data)
    assert Demand.objects.count() == 1


def test_a_visit_posted_as_multipart_keeps_its_photo_and_location(as_cadre, counties, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, "JPEG")
    body = {"idempotency_key": str(uuid.uuid4()), "households": [counties["mine"]["household"].number],
            "start": str(TODAY - timedelta(days=1)), "end": str(TODAY - timedelta(days=1)), "tasks": ["policy"],
            "stayed": "on", "latitude": "34.58", "longitude": "105.72", "accuracy": "20",
            "photos": [SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")]}
    response = as_cadre.post("/api/v1/visits/", body, format="multipart")
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert visit.photos.count() == 1 and visit.stayed and visit.tasks == ["policy"]
    assert str(visit.latitude) == "34.580000" and visit.location_accuracy == 20
