"""Guessing from one address: ballot codes, and one password across many account names."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import BallotCode, Direction, EvaluationRound
from assessments.services import issue_codes

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def code(counties):
    today = timezone.localdate()
    rnd = EvaluationRound.objects.create(year=today.year, area_id="620502000000", opens=today - timedelta(days=1),
                                         closes=today + timedelta(days=5))
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    return BallotCode.objects.get(cadre=counties["mine"]["cadre"]).code


def guess(client, address, n):
    for i in range(n):
        client.get(reverse("ballot-cast", args=[f"WRONG{i:05d}"]), REMOTE_ADDR=address)


def test_an_address_guessing_ballot_codes_waits(client, code, settings):
    settings.BALLOT_CODE_FAILURE_LIMIT = 5
    guess(client, "10.0.0.1", 5)
    page = client.get(reverse("ballot-cast", args=[code]), REMOTE_ADDR="10.0.0.1")
    assert page.status_code == 429 and "评议码输错次数过多" in page.text
    assert client.post(reverse("ballot-enter"), {"code": code}, REMOTE_ADDR="10.0.0.1").status_code == 429


def test_a_right_code_is_not_blocked_by_guesses_from_elsewhere(client, code, settings):
    settings.BALLOT_CODE_FAILURE_LIMIT = 5
    guess(client, "10.0.0.1", 20)
    page = client.get(reverse("ballot-cast", args=[code]), REMOTE_ADDR="10.0.0.2")
    assert page.status_code == 200


def test_a_few_wrong_codes_do_not_block(client, code, settings):
    settings.BALLOT_CODE_FAILURE_LIMIT = 5
    guess(client, "10.0.0.1", 4)
    assert client.get(reverse("ballot-cast", args=[code]), REMOTE_ADDR="10.0.0.1").status_code == 200


def test_one_password_across_many_names_from_one_address_waits(client, office, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 5
    for i in range(5):
        client.post(reverse("login"), {"username": f"someone{i}", "password": "Common-pass1"}, REMOTE_ADDR="10.0.0.9")
    page = client.post(reverse("login"), {"username": office.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert page.status_code == 429 and "登录失败次数过多" in page.text and "_auth_user_id" not in client.session


def test_failures_elsewhere_do_not_block_a_sign_in(client, office, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 5
    for i in range(10):
        client.post(reverse("login"), {"username": f"someone{i}", "password": "x"}, REMOTE_ADDR="10.0.0.9")
    page = client.post(reverse("login"), {"username": office.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert page.status_code == 302
