"""The idempotency key of a visit: it belongs to whoever stored the visit with it. Its author's
replay gets the first record back (the API: 200, only the request that inserted it gets 201);
anyone else sending it is refused with the same message at every door."""
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shuanglian.errors import DomainError
from visits.models import Visit
from visits.services import trips
from visits.services.trips import log_visit

from .conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()
TAKEN = "该提交标识已被他人使用"


def trip(county, key, **overrides):
    body = {"idempotency_key": str(key), "households": [county["household"].number],
            "start": str(TODAY - timedelta(days=2)), "end": str(TODAY - timedelta(days=1)), "tasks": ["policy"]}
    body.update(overrides)
    return body


def phone_form(county, key):
    return {"households": [county["household"].pk], "start": TODAY, "end": TODAY, "tasks": ["policy"],
            "notes": "谈心", "key": str(key)}


def test_the_phone_form_refuses_a_key_another_cadre_used(client, counties):
    mine, other = counties["mine"], counties["next"]
    key = uuid.uuid4()
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), phone_form(mine, key))
    second = Client()  # the other cadre's own phone
    second.force_login(other["cadre"].user)
    page = second.post(reverse("visits-log"), phone_form(other, key))
    assert page.status_code == 200 and TAKEN in page.text and "走访已登记" not in page.text
    assert not Visit.objects.filter(cadre=other["cadre"]).exists()


def test_the_api_refuses_a_key_the_phone_form_of_another_cadre_used(client, counties):
    mine, other = counties["mine"], counties["next"]
    key = uuid.uuid4()
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), phone_form(mine, key))
    response = signed_in(other["cadre"].user).post("/api/v1/visits/", trip(other, key), format="json")
    assert response.status_code == 400 and TAKEN in response.json()["idempotency_key"][0]


def test_the_api_refuses_a_key_another_user_used_for_the_same_cadre(as_office, counties):
    mine = counties["mine"]
    key = uuid.uuid4()
    assert as_office.post("/api/v1/visits/", trip(mine, key, cadre=mine["cadre"].pk), format="json").status_code == 201
    response = signed_in(mine["cadre"].user).post("/api/v1/visits/", trip(mine, key), format="json")
    assert response.status_code == 400 and TAKEN in response.json()["idempotency_key"][0]


def test_an_office_reusing_its_key_for_another_cadre_is_refused(as_office, counties):
    mine = counties["mine"]
    key = uuid.uuid4()
    as_office.post("/api/v1/visits/", trip(mine, key, cadre=mine["cadre"].pk), format="json")
    response = as_office.post("/api/v1/visits/", trip(mine, key, cadre=mine["colleague"].pk), format="json")
    assert response.status_code == 400 and TAKEN in response.json()["idempotency_key"][0]
    assert not Visit.objects.filter(cadre=mine["colleague"]).exists()


def test_the_service_refuses_a_key_of_another_cadre(counties):
    mine, other = counties["mine"], counties["next"]
    key = uuid.uuid4()
    log_visit(cadre=mine["cadre"], households=[mine["household"]], start=TODAY, end=TODAY, key=key,
              by=mine["cadre"].user)
    with pytest.raises(DomainError) as exc:
        log_visit(cadre=other["cadre"], households=[other["household"]], start=TODAY, end=TODAY, key=key,
                  by=other["cadre"].user)
    assert TAKEN in " ".join(exc.value.messages) and "idempotency_key" in exc.value.message_dict


def test_a_replay_answers_200_with_the_first_record(as_cadre, counties):
    body = trip(counties["mine"], uuid.uuid4())
    first = as_cadre.post("/api/v1/visits/", body, format="json")
    again = as_cadre.post("/api/v1/visits/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and Visit.objects.count() == 1


def test_a_replay_stored_while_the_first_request_validates_answers_200(as_cadre, counties):
    """The two requests of a race, one after the other: the twin stores the key after this
    request looked for it and before it inserts, so the database's uniqueness decides."""
    mine = counties["mine"]
    key = uuid.uuid4()
    check = trips.check_visit

    def twin_stores_first(**kwargs):
        check(**kwargs)
        if not Visit.objects.filter(idempotency_key=key).exists():
            twin = Visit.objects.create(cadre=mine["cadre"], start=TODAY - timedelta(days=2), end=TODAY - timedelta(days=1),
                                        idempotency_key=key, created_by=mine["cadre"].user)
            twin.households.set([mine["household"]])

    with mock.patch.object(trips, "check_visit", side_effect=twin_stores_first):
        response = as_cadre.post("/api/v1/visits/", trip(mine, key), format="json")
    assert response.status_code == 200 and response.json()["id"] == Visit.objects.get().pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_with_one_key_answer_201_once(counties):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    user, body = counties["mine"]["cadre"].user, trip(counties["mine"], uuid.uuid4())
    signed_in(user)  # the token exists before the threads share it
    gate = Barrier(20)

    def post(_):
        client = signed_in(user)
        try:
            gate.wait(timeout=30)
            response = client.post("/api/v1/visits/", body, format="json")
            return response.status_code, response.json().get("id")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, range(20)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201], answers
    assert {pk for _, pk in answers} == {Visit.objects.get().pk}
