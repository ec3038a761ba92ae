import os
from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories as f

# --- Hypothesis -------------------------------------------------------------------------------------------
# Registered here, before any test module is imported, so every @settings of the suite (the
# property tests and the API fuzzing alike) inherits the profile. ``ci`` is derandomised: a run
# is reproducible and a red build points at a real counter-example, not at luck; ``dev`` draws
# fresh examples on every run, so developers keep exploring. .ci/run sets HYPOTHESIS_PROFILE=ci;
# CI=true in the environment picks it too. Neither writes an example database into the tree.
HYPOTHESIS_COMMON = {
    "deadline": None,  # database round trips vary; speed is measured elsewhere
    "database": None,
    "print_blob": True,
    # Function-scoped fixtures (the test database) are set up once per test, not per example:
    # the properties create what each example needs inside the example.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", derandomize=True, **HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("dev", **HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# --- the calendar -----------------------------------------------------------------------------------------
TODAY_VARIABLE = "SHUANGLIAN_TEST_TODAY"
clock = SimpleNamespace(moment=None, travellers=[])


def session_moment(value: str) -> datetime:
    """``SHUANGLIAN_TEST_TODAY`` as a moment in the site's time zone. A date alone means five
    minutes past midnight there: the local date then differs from the UTC date, so code that
    takes "today" from UTC is caught too. Unset: now."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if not value:
        return datetime.now(tz=zone)
    try:
        moment = datetime.combine(date.fromisoformat(value), time(0, 5)) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TODAY_VARIABLE}={value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _travel(destination: datetime, *, tick: bool) -> None:
    traveller = time_machine.travel(destination, tick=tick)
    traveller.start()
    clock.travellers.append(traveller)


def _come_back() -> None:
    while clock.travellers:
        clock.travellers.pop().stop()


def pytest_configure(config):
    """One moment is "today" for the whole session: the test modules' constants (``TODAY =
    timezone.localdate()``) are computed at it, with the clock stopped while they are collected,
    and every test marked ``dates`` runs with the clock stopped at it, so a run that crosses
    midnight still sees one day. ``SHUANGLIAN_TEST_TODAY=2027-01-01`` moves that moment; the
    clock then ticks on from there for the other tests, so timeouts and "an hour ago" still
    work. CI reruns the ``dates`` tests this way at awkward dates."""
    clock.moment = session_moment(os.environ.get(TODAY_VARIABLE, "").strip())
    _travel(clock.moment, tick=False)


def pytest_collection_finish(session):
    _come_back()
    if os.environ.get(TODAY_VARIABLE, "").strip():
        _travel(clock.moment, tick=True)  # before the test database is created


def pytest_unconfigure(config):
    _come_back()


def pytest_report_header(config):
    shown = f"{clock.moment:%Y-%m-%d %H:%M %Z}" if clock.moment else "?"
    return f"today for the dates tests: {shown}" + (f" ({TODAY_VARIABLE})" if os.environ.get(TODAY_VARIABLE) else "")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Passwords hashed with a fast hasher in tests: the real one costs a second of CPU per
    account by design, and the demo and the role tests create dozens of accounts. The site
    keeps Django's default (PBKDF2): only the test session overrides it."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def calendar_day(request):
    """A test marked ``dates`` runs with the clock stopped at the session's moment."""
    if request.node.get_closest_marker("dates") is None:
        yield
        return
    with time_machine.travel(clock.moment, tick=False):
        yield


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
