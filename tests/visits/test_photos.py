"""Photos of a visit: checked by content and size, resized, optional."""
import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shuanglian.errors import DomainError
from tests import factories as f
from visits.models import Visit
from visits.services.trips import log_visit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 16)


@pytest.fixture(autouse=True)
def clock():
    """A fixed Monday: photos do not depend on the date."""
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture(kind="JPEG", size=(3000, 2000), name="p.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, kind)
    return SimpleUploadedFile(name, out.getvalue())


def log(photos):
    pairing = f.HouseholdPairingFactory(start=TODAY - timedelta(days=100))
    return log_visit(cadre=pairing.cadre, households=[pairing.household], start=TODAY, end=TODAY, key=uuid.uuid4(), photos=photos)


def test_a_photo_is_stored_resized_to_1600_pixels_at_most():
    visit = log([picture()])
    with Image.open(visit.photos.get().image.path) as stored:
        assert max(stored.size) == 1600 and stored.format == "JPEG"


def test_a_png_is_accepted():
    assert log([picture("PNG", (400, 300), "p.png")]).photos.count() == 1


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored():
    with pytest.raises(DomainError, match="不是可识别的照片"):
        log([picture(), SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not an image")])
    assert not Visit.objects.exists()


def test_a_picture_in_another_format_is_refused():
    with pytest.raises(DomainError, match="只接受JPEG、PNG或WebP"):
        log([picture("GIF", (50, 50), "p.gif")])


def test_an_oversized_file_is_refused():
    big = SimpleUploadedFile("big.jpg", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(DomainError, match="超过10 MB"):
        log([big])


def test_more_than_six_photos_are_refused():
    with pytest.raises(DomainError, match="最多6张"):
        log([picture("PNG", (10, 10), f"{n}.png") for n in range(7)])
