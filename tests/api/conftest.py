import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.web.conftest import counties, leader, office, office_seeing_ids, unit_admin  # noqa: F401


@pytest.fixture
def api():
    return APIClient()


def signed_in(user) -> APIClient:
    """A client carrying the user's token, as another system would call the API."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def as_office(office):
    return signed_in(office)


@pytest.fixture
def as_cadre(counties):
    return signed_in(counties["mine"]["cadre"].user)


@pytest.fixture
def as_leader(leader):
    return signed_in(leader)
