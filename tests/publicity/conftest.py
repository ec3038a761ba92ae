"""Two counties (tests/web/conftest.py) with their offices and a unit administrator, a closed
evaluation round with results, and photos stored under a temporary directory."""
import io
from datetime import date

import pytest
from PIL import Image

from assessments.models import Direction, EvaluationRound
from assessments.services import close_round, issue_codes, record_tally
from pairing.models import Role
from tests.web.conftest import area, county, staff


@pytest.fixture(autouse=True)
def photos_root(settings, tmp_path):
    settings.PUBLICITY_PHOTOS_ROOT = tmp_path / "publicity"
    return settings.PUBLICITY_PHOTOS_ROOT


@pytest.fixture
def world(db):
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    return {"mine": county("620502", "秦州区", 1), "next": county("620503", "麦积区", 2)}


@pytest.fixture
def office(world):
    return staff("office", kind=Role.Kind.OFFICE, area_id="620502000000")


@pytest.fixture
def other_office(world):
    return staff("office-next", kind=Role.Kind.OFFICE, area_id="620503000000")


@pytest.fixture
def unit_admin(world):
    return staff("unitadmin", kind=Role.Kind.UNIT_ADMIN, unit=world["mine"]["unit"])


@pytest.fixture
def leader(world):
    return staff("leader", kind=Role.Kind.LEADER, area_id="620502000000")


def make_round(c: dict, *, year: int = 2024, close: bool = True) -> EvaluationRound:
    """A round over the county with a tally for its cadre and its unit, and codes issued."""
    rnd = EvaluationRound.objects.create(year=year, area_id=c["village"].code[:6] + "000000",
                                         opens=date(year, 12, 1), closes=date(year, 12, 20))
    record_tally(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE, target=c["cadre"], satisfied=1, basic=0, unsatisfied=0)
    record_tally(rnd=rnd, direction=Direction.VILLAGE_ON_UNIT, target=c["unit"], satisfied=2, basic=1, unsatisfied=1)
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    if close:
        close_round(rnd=rnd)
        rnd.refresh_from_db()
    return rnd


def jpeg(size=(40, 30), fmt="JPEG", name="photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
