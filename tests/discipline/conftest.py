"""Two counties (tests/web/conftest.py) and the roles that meet a complaint: the county's office,
inspection group and leader, a unit administrator, and the next county's inspection group.
A fixed Monday in June 2025; complaint photos and evidence go to a temporary folder."""
from __future__ import annotations

import io
import uuid
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from households.models import Area
from pairing.models import Role
from tests.web.conftest import area, county, staff


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    settings.DISCIPLINE_ROOT = tmp_path / "discipline"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dw(db):
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine, other = county("620502", "秦州区", 1), county("620503", "麦积区", 2)
    return SimpleNamespace(
        mine=mine, other=other, county=Area.objects.get(code="620502000000"),
        other_county=Area.objects.get(code="620503000000"),
        office=staff("office", kind=Role.Kind.OFFICE, area_id="620502000000"),
        inspector=staff("inspector", kind=Role.Kind.INSPECTOR, area_id="620502000000"),
        leader=staff("leader", kind=Role.Kind.LEADER, area_id="620502000000"),
        unit_admin=staff("unit_admin", kind=Role.Kind.UNIT_ADMIN, unit=mine["unit"]),
        other_inspector=staff("other_inspector", kind=Role.Kind.INSPECTOR, area_id="620503000000"),
    )


def photo(name="p.png", size=(40, 30), fmt="PNG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def complaint_data(dw, **over) -> dict:
    data = {"area": dw.county, "rule": "hospitality", "target_kind": "cadre", "target_name": "秦州区干部",
            "content": "走访时在村里吃请。", "name": "", "contact": "", "photo": None, "key": uuid.uuid4()}
    data.update(over)
    return data


def post_data(dw, **over) -> dict:
    """The public form as a browser posts it."""
    data = complaint_data(dw, **over)
    data["area"] = data["area"].pk
    data["key"] = str(data["key"])
    return {k: v for k, v in data.items() if v is not None}
