"""A visit's photo is served to those who see the visit, never from a public address (the diary,
民情日记, links here)."""
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests import factories as f
from visits.models import VisitPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shown():
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(out, "JPEG")
    visit = f.VisitFactory(cadre__user=f.UserFactory())
    photo = VisitPhoto.objects.create(visit=visit)
    photo.image.save("trip.jpg", ContentFile(out.getvalue()))
    return photo


def test_the_cadre_of_the_visit_gets_its_photo(client, shown):
    client.force_login(shown.visit.cadre.user)
    response = client.get(f"/visits/photos/{shown.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_another_cadre_gets_nothing(client, shown):
    other = f.CadreFactory(user=f.UserFactory())
    client.force_login(other.user)
    assert client.get(f"/visits/photos/{shown.pk}/").status_code == 404


def test_nobody_signed_out_gets_it(client, shown):
    assert client.get(f"/visits/photos/{shown.pk}/").status_code == 302
