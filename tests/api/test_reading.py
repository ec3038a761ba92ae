"""Reading the API: authentication, scope, masking, filters, pages — and bad input is a 4xx."""
import pytest

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def test_an_anonymous_request_is_refused(api, counties):
    assert api.get("/api/v1/households/").status_code in (401, 403)


def test_a_cadres_token_lists_only_their_own_households(as_cadre, counties):
    assert numbers(as_cadre.get("/api/v1/households/")) == [counties["mine"]["household"].number]


def test_an_office_lists_its_county_and_not_the_next(as_office, counties):
    assert numbers(as_office.get("/api/v1/households/")) == [counties["mine"]["household"].number]


def test_a_household_of_another_county_is_not_found(as_office, counties):
    assert as_office.get(f"/api/v1/households/{counties['next']['household'].number}/").status_code == 404


def test_a_household_detail_carries_members_and_incomes(as_office, counties):
    detail = as_office.get(f"/api/v1/households/{counties['mine']['household'].number}/").json()
    assert len(detail["members"]) == 1 and detail["incomes"] == []


def test_id_numbers_are_masked_unless_the_role_allows(office_seeing_ids, as_office, counties):
    household = counties["mine"]["household"]
    masked = as_office.get(f"/api/v1/households/{household.number}/").json()
    full = signed_in(office_seeing_ids).get(f"/api/v1/households/{household.number}/").json()
    assert masked["head_id_number"] != household.head_id_number and "*" in masked["head_id_number"]
    assert full["head_id_number"] == household.head_id_number


def test_cadres_are_listed_with_masked_id_numbers(as_office, counties):
    rows = as_office.get("/api/v1/cadres/").json()["results"]
    assert {r["name"] for r in rows} == {"秦州区干部", "秦州区同事"} and all("*" in r["id_number"] for r in rows)


@pytest.mark.parametrize("path", ["/api/v1/areas/", "/api/v1/villages/", "/api/v1/units/", "/api/v1/cadres/",
                                  "/api/v1/households/", "/api/v1/household-pairings/", "/api/v1/village-pairings/",
                                  "/api/v1/visits/", "/api/v1/demands/", "/api/v1/deeds/"])
def test_every_list_answers_and_stays_in_scope(as_office, counties, path):
    response = as_office.get(path)
    assert response.status_code == 200
    assert "麦积" not in response.content.decode()


@pytest.mark.parametrize("query, field", [
    ("?colour=red", "colour"),  # an unknown filter
    ("?page_size=100000", "page_size"),  # a huge page
    ("?page_size=abc", "page_size"),
    ("?exit_year=abc", "exit_year"),  # a wrong type
    ("?exit_year=99999", "exit_year"),  # out of range
    ("?area=620599000000", "area"),  # an unknown code
    ("?area=62", "area"),
    ("?status=gone", "status"),
])
def test_bad_query_parameters_get_a_400_naming_them(as_office, counties, query, field):
    response = as_office.get(f"/api/v1/households/{query}")
    assert response.status_code == 400 and field in response.json()


def test_a_page_beyond_the_last_is_not_found(as_office, counties):
    assert as_office.get("/api/v1/households/?page=99").status_code == 404


def test_an_unknown_unit_code_is_a_400(as_office, counties):
    assert as_office.get("/api/v1/cadres/?unit=NOPE").status_code == 400


def test_filters_narrow_the_list(as_office, counties):
    unit = counties["mine"]["unit"].code
    assert len(as_office.get(f"/api/v1/cadres/?unit={unit}&name=同事").json()["results"]) == 1


def test_ordering_by_an_unknown_field_is_ignored_not_an_error(as_office, counties):
    assert as_office.get("/api/v1/households/?ordering=secret").status_code == 200


@pytest.mark.dates
def test_compliance_lists_the_scoped_cadres_of_a_year(as_office, counties):
    from django.utils import timezone

    rows = as_office.get(f"/api/v1/compliance/?year={timezone.localdate().year}").json()["results"]
    assert [r["name"] for r in rows] == ["秦州区干部"] and rows[0]["required_visits"] >= 1


@pytest.mark.parametrize("query", ["", "?year=abc", "?year=1800", "?year=2025&area=123", "?year=2025&subject=x",
                                   "?year=2025&size=1"])
def test_compliance_refuses_bad_input(as_office, counties, query):
    assert as_office.get(f"/api/v1/compliance/{query}").status_code == 400


@pytest.mark.dates
def test_compliance_by_unit_village_pairing(as_office, counties):
    from django.utils import timezone

    rows = as_office.get(f"/api/v1/compliance/?year={timezone.localdate().year}&subject=unit").json()["results"]
    assert [(r["unit"], r["village"]) for r in rows] == [(counties["mine"]["unit"].code, counties["mine"]["village"].code)]


@pytest.mark.dates
def test_evaluation_results_are_scoped(as_office, counties):
    from datetime import date

    from assessments.models import Direction, EvaluationRound
    from assessments.services import record_tally

    year = date.today().year
    for key, code in (("mine", "620502000000"), ("next", "620503000000")):
        rnd = EvaluationRound.objects.create(year=year, area_id=code, opens=date(year, 1, 1), closes=date(year, 12, 31))
        record_tally(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE, target=counties[key]["cadre"], satisfied=1,
                     basic=0, unsatisfied=0)
    rows = as_office.get(f"/api/v1/evaluation-results/?year={year}").json()["results"]
    assert [(r["name"], r["satisfaction"]) for r in rows] == [("秦州区干部", "100.0")]


def test_a_token_is_obtained_with_a_username_and_password(api, counties):
    from tests.web.conftest import PASSWORD

    user = counties["mine"]["cadre"].user
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_the_schema_and_its_docs_are_served_without_a_cdn(as_office, client, office):
    assert as_office.get("/api/schema/").status_code == 200
    client.force_login(office)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


LISTS = ["areas", "villages", "units", "cadres", "households", "household-pairings", "village-pairings", "visits", "reports",
         "demands", "deeds"]


@pytest.mark.parametrize("resource", LISTS + ["compliance", "evaluation-results"])
@pytest.mark.parametrize("query", ["?unknown_filter=1", "?page_size=501", "?page_size=0", "?page_size=-5"])
def test_every_list_refuses_unknown_filters_and_bad_page_sizes(as_office, counties, resource, query):
    extra = "&year=2025" if resource in ("compliance", "evaluation-results") else ""
    assert as_office.get(f"/api/v1/{resource}/{query}{extra}").status_code == 400


@pytest.mark.parametrize("resource, key", [
    ("areas", "999999999999"), ("villages", "nonsense"), ("units", "NOPE"), ("cadres", "999999"), ("cadres", "abc"),
    ("households", "NOPE"), ("household-pairings", "999999"), ("village-pairings", "x"), ("visits", "0"),
    ("demands", "-1"), ("deeds", "99999999999999999999999"),
])
def test_an_unknown_key_is_not_found(as_office, counties, resource, key):
    assert as_office.get(f"/api/v1/{resource}/{key}/").status_code == 404


@pytest.mark.parametrize("resource, query", [
    ("visits", "?start_after=yesterday"), ("visits", "?cadre=abc"), ("visits", "?household=NOPE"),
    ("deeds", "?on_before=2025-13-01"), ("demands", "?status=lost"), ("household-pairings", "?open=maybe"),
    ("units", "?level=galaxy"), ("areas", "?area=12345"), ("cadres", "?rank=emperor"),
])
def test_a_malformed_filter_value_is_a_400(as_office, counties, resource, query):
    assert as_office.get(f"/api/v1/{resource}/{query}").status_code == 400


@pytest.mark.dates
def test_reports_are_listed_for_the_offices_area_with_their_download(as_office, as_cadre, counties,
                                                                      django_capture_on_commit_callbacks):
    from django.utils import timezone

    from households.models import Area
    from reports.services.runs import request_report

    year = str(timezone.localdate().year)
    with django_capture_on_commit_callbacks(execute=True):  # the report runs once its request commits
        for code in ("620502000000", "620503000000"):
            request_report(kind="annual", period=year, area=Area.objects.get(code=code), by=None)
    rows = as_office.get("/api/v1/reports/").json()["results"]
    assert [r["area"] for r in rows] == ["620502000000"]
    assert rows[0]["status"] == "done" and rows[0]["download"].endswith(f"/reports/{rows[0]['id']}/download/")
    assert as_cadre.get("/api/v1/reports/").json()["results"] == []
    assert as_office.get("/api/v1/reports/?kind=weekly").status_code == 400


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/visits/" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("value, expected", [("true", 1), ("1", 1), ("false", 0), ("0", 0)])
def test_the_open_filter_takes_true_or_false(as_office, counties, value, expected):
    assert len(as_office.get(f"/api/v1/household-pairings/?open={value}").json()["results"]) == expected


def test_a_path_the_api_does_not_know_answers_in_json(as_office, counties):
    response = as_office.get("/api/v1/no-such-resource/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_every_operation_documents_its_error_answers(as_office):
    schema = as_office.get("/api/schema/?format=json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations and all({"400", "401", "403", "404"} <= set(op["responses"]) for op in operations)


def test_an_operation_that_reads_a_body_documents_the_415_it_gives_for_an_unreadable_one(as_office, counties):
    schema = as_office.get("/api/schema/?format=json").json()
    operations = [(method, op) for path in schema["paths"].values() for method, op in path.items()]
    assert all(("415" in op["responses"]) == ("requestBody" in op) for method, op in operations)
    response = as_office.generic("POST", "/api/v1/demands/", "类别=住房", content_type="text/plain")
    assert response.status_code == 415


def test_compliance_by_resident_posting_is_scoped_and_counts_leave(as_office, counties):
    from datetime import date

    from pairing.models import Leave, Posting
    from visits.models import Stay

    mine, other = counties["mine"], counties["next"]
    posting = Posting.objects.create(cadre=mine["colleague"], village=mine["village"], role="first_secretary",
                                     start=date(2025, 1, 1))
    Stay.objects.create(cadre=posting.cadre, posting=posting, start=date(2025, 3, 2), end=date(2025, 3, 11))
    Leave.objects.create(cadre=posting.cadre, start=date(2025, 7, 1), end=date(2025, 7, 31))
    Posting.objects.create(cadre=other["colleague"], village=other["village"], role="member", start=date(2025, 1, 1))
    rows = as_office.get("/api/v1/compliance/?year=2025&subject=resident").json()["results"]
    assert [(r["posting"], r["village"], r["days"], r["leave_days"]) for r in rows] == [
        (posting.pk, mine["village"].code, 10, 31)]
    assert rows[0]["required_days"] == -(-220 * (365 - 31) // 365) and rows[0]["met"] is False
    assert "*" in rows[0]["id_number"]
