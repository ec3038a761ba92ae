"""Two neighbouring counties, each with a village, a unit, a cadre and a household, and the
users who look at them. Built with plain ORM calls so these page tests stand on their own."""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from stdnum.cn import ric

from households.models import Area, Household, Member, PoorAreaYear
from pairing.models import Cadre, HouseholdPairing, Role, Unit, VillagePairing

PASSWORD = "a-Long-test-passw0rd"


def id_number(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def area(code: str, name: str) -> Area:
    return Area.objects.create(code=code, name=name, level=Area.level_of(code), parent_id=Area.parent_code_of(code))


def county(code6: str, name: str, seq: int) -> dict:
    area(f"{code6}000000", name)
    area(f"{code6}100000", f"{name}一镇")
    village = area(f"{code6}100001", f"{name}一村")
    PoorAreaYear.objects.create(area=village, year=date.today().year, kind="village")
    unit = Unit.objects.create(code=f"U{code6}", name=f"{name}农业局", level="county", kind="organ", area_id=f"{code6}000000")
    VillagePairing.objects.create(unit=unit, village=village, start=date(2024, 1, 1))
    head = id_number(f"{code6}19700101{seq:02d}1")
    household = Household.objects.create(number=f"H{code6}", village=village, head_name=f"{name}户主", head_id_number=head,
                                         kind="rural", resident_population=3)
    Member.objects.create(household=household, id_number=head, name=household.head_name, relation="户主")
    cadre_user = get_user_model().objects.create_user(id_number(f"{code6}19800101{seq:02d}3"), password=PASSWORD)
    cadre = Cadre.objects.create(id_number=cadre_user.username, name=f"{name}干部", unit=unit, rank="section",
                                 category="civil", user=cadre_user)
    colleague = Cadre.objects.create(id_number=id_number(f"{code6}19810101{seq:02d}5"), name=f"{name}同事", unit=unit,
                                     rank="other", category="civil")
    pairing = HouseholdPairing.objects.create(cadre=cadre, household=household, start=date(2024, 1, 1))
    return {"village": village, "unit": unit, "household": household, "cadre": cadre, "colleague": colleague, "pairing": pairing}


@pytest.fixture
def empty_cache():
    """The shared cache (dashboards kept for the day, the figures' generations, rate counts)
    empty before the test and after it, for the modules that read what it keeps."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counties(db, django_capture_on_commit_callbacks):
    # Committed as far as the figures know: the renewals of the registry's rows are done before
    # the test writes, so a test sees only those of its own writes.
    with django_capture_on_commit_callbacks(execute=True):
        area("620000000000", "甘肃省")
        area("620500000000", "天水市")
        return {"mine": county("620502", "秦州区", 1), "next": county("620503", "麦积区", 2)}


def staff(username: str, **role) -> object:
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    Role.objects.create(user=user, **role)
    return user


@pytest.fixture
def office(counties):
    return staff("office", kind=Role.Kind.OFFICE, area_id="620502000000")


@pytest.fixture
def office_seeing_ids(counties):
    return staff("office2", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True)


@pytest.fixture
def leader(counties):
    return staff("leader", kind=Role.Kind.LEADER, area_id="620502000000")


@pytest.fixture
def unit_admin(counties):
    return staff("unitadmin", kind=Role.Kind.UNIT_ADMIN, unit=counties["mine"]["unit"])
