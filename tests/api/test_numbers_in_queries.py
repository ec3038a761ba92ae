"""Numbers in query parameters that Python reads as digits but the database or int() cannot
take: each is the user's bad input, a 400 naming the parameter, never a server error."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", ["²", "٣", "1" * 5000])  # a superscript, an Arabic-Indic digit, past int()'s limit
def test_a_page_size_of_digits_that_are_not_ascii_or_too_long_is_a_400(as_office, counties, size):
    response = as_office.get("/api/v1/households/", {"page_size": size})
    assert response.status_code == 400 and "page_size" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/visits/", "/api/v1/household-pairings/", "/api/v1/demands/",
                                  "/api/v1/deeds/"])
@pytest.mark.parametrize("cadre", ["99999999999999999999999", "-99999999999999999999999"])
def test_a_cadre_id_beyond_the_databases_integers_is_a_400(as_office, counties, path, cadre):
    response = as_office.get(path, {"cadre": cadre})
    assert response.status_code == 400 and "cadre" in response.json()


@pytest.mark.parametrize("cadre", ["1.5", "1e3"])
def test_a_cadre_id_that_is_not_a_whole_number_is_a_400(as_office, counties, cadre):
    response = as_office.get("/api/v1/visits/", {"cadre": cadre})
    assert response.status_code == 400 and "cadre" in response.json()


def test_a_cadre_filter_still_narrows_the_list(as_office, counties):
    cadre = counties["mine"]["cadre"]
    rows = as_office.get("/api/v1/household-pairings/", {"cadre": cadre.pk}).json()["results"]
    assert [r["cadre"] for r in rows] == [cadre.pk]
