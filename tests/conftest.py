from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import translation

from tests import factories as f


@pytest.fixture(autouse=True)
def default_language():
    """A request that switched to English leaves it active in the thread; start each test in Chinese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tree(db):
    """天水市 with two counties, each with one township of two villages.

    tree.villages = [秦州 v1, 秦州 v2, 麦积 v1, 麦积 v2]
    """
    province = f.province()
    city = f.city()
    qinzhou, maiji = f.county("620502000000", "秦州区"), f.county("620503000000", "麦积区")
    t1, t2 = f.township("620502100000", "秦州一乡"), f.township("620503100000", "麦积一乡")
    villages = [
        f.village("620502100001", "秦州一村"),
        f.village("620502100002", "秦州二村"),
        f.village("620503100001", "麦积一村"),
        f.village("620503100002", "麦积二村"),
    ]
    return SimpleNamespace(
        province=province, city=city, counties=[qinzhou, maiji], townships=[t1, t2], villages=villages
    )
