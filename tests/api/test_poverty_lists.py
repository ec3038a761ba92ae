"""The read-only lists of the thresholds (标准) and the counties' scale quotas (县扶贫规模)."""
import pytest

from tests import factories as f

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_quota_list_shows_only_the_readers_counties(office):
    f.PovertyQuotaFactory(county=f.county(), poor_villages=3)
    f.PovertyQuotaFactory(county=f.area("620503000000", "麦积区"), poor_villages=5)
    rows = signed_in(office).get("/api/v1/poverty-quotas/").json()["results"]
    assert [(r["county"], r["poor_villages"]) for r in rows] == [("620502000000", 3)]


def test_the_thresholds_list_shows_every_year(office):
    f.PovertyLineFactory(year=2024)
    f.PovertyLineFactory(year=2025, incidence_rate=25)
    rows = signed_in(office).get("/api/v1/poverty-lines/").json()["results"]
    assert [(r["year"], r["incidence_rate"]) for r in rows] == [(2024, "30.00"), (2025, "25.00")]


def test_the_quota_list_takes_no_writes(office):
    assert signed_in(office).post("/api/v1/poverty-quotas/", {}, format="json").status_code == 405
