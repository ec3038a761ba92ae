"""Publication of evaluation results: only closed rounds, by the office of the round's area; the
public page shows names, satisfaction and grades, nothing of a rater or an ID number, answers
with an ETag and serves a repeat from the cache."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import BallotCode
from publicity.models import RoundPublication
from publicity.services import publish_round, unpublish_round
from shuanglian.errors import DomainError

from .conftest import make_round

pytestmark = pytest.mark.django_db


def test_a_round_not_closed_cannot_be_published(office, world):
    rnd = make_round(world["mine"], close=False)
    with pytest.raises(DomainError, match="尚未结束"):
        publish_round(rnd=rnd, by=office)
    assert not RoundPublication.objects.exists()


def test_another_countys_office_cannot_publish_the_round(other_office, world):
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        publish_round(rnd=make_round(world["mine"]), by=other_office)
    assert not RoundPublication.objects.exists()


def test_a_leader_cannot_publish(leader, world):
    with pytest.raises(DomainError):
        publish_round(rnd=make_round(world["mine"]), by=leader)


def test_unpublishing_what_was_never_published_says_so(office, world):
    with pytest.raises(DomainError, match="尚未公开"):
        unpublish_round(rnd=make_round(world["mine"]), by=office)


def test_the_public_page_shows_names_satisfaction_and_grades(client, office, world):
    publish_round(rnd=make_round(world["mine"]), by=office)
    page = client.get(reverse("public-results", args=[2024]))
    text = page.content.decode()
    c = world["mine"]
    assert page.status_code == 200
    assert c["cadre"].name in text and c["unit"].name in text and "100.0" in text and "75.0" in text


def test_the_public_page_holds_no_rater_data_and_no_id_numbers(client, office, world):
    rnd = make_round(world["mine"])
    publish_round(rnd=rnd, by=office)
    text = client.get(reverse("public-results", args=[2024])).content.decode()
    c = world["mine"]
    assert c["cadre"].id_number not in text and c["household"].head_id_number not in text
    assert c["household"].head_name not in text
    for code in BallotCode.objects.filter(round=rnd):
        assert code.code not in text and code.rater_label not in text
    assert "csrfmiddlewaretoken" not in text and "<th>票数" not in text


def test_an_unpublished_year_is_not_found(client, office, world):
    rnd = make_round(world["mine"])
    assert client.get(reverse("public-results", args=[2024])).status_code == 404
    publish_round(rnd=rnd, by=office)
    unpublish_round(rnd=rnd, by=office)
    assert client.get(reverse("public-results", args=[2024])).status_code == 404


def test_the_public_page_is_cacheable_with_an_etag(client, office, world):
    publish_round(rnd=make_round(world["mine"]), by=office)
    first = client.get(reverse("public-results", args=[2024]))
    assert "public" in first["Cache-Control"] and first["ETag"]
    again = client.get(reverse("public-results", args=[2024]), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_publishing_another_round_changes_the_etag(client, office, world):
    publish_round(rnd=make_round(world["mine"]), by=office)
    before = client.get(reverse("public-results", args=[2024]))["ETag"]
    province = __import__("tests.web.conftest", fromlist=["staff"]).staff(
        "province", kind="office", area_id="620000000000")
    publish_round(rnd=make_round(world["next"]), by=province)
    after = client.get(reverse("public-results", args=[2024]))
    assert after["ETag"] != before and world["next"]["cadre"].name in after.content.decode()


def test_the_public_page_takes_two_queries_then_one(client, office, world):
    publish_round(rnd=make_round(world["mine"]), by=office)
    url = reverse("public-results", args=[2024])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as repeat:
        client.get(url)
    assert (len(first), len(repeat)) == (2, 1)


def test_the_rounds_page_publishes_for_the_office(client, office, world):
    rnd = make_round(world["mine"])
    client.force_login(office)
    client.post(reverse("publicity-rounds"), {"round": rnd.pk, "action": "publish"})
    assert RoundPublication.objects.get(round=rnd).published


def test_the_rounds_page_says_why_an_open_round_is_not_published(client, office, world):
    rnd = make_round(world["mine"], close=False)
    client.force_login(office)
    response = client.post(reverse("publicity-rounds"), {"round": rnd.pk, "action": "publish"})
    assert "尚未结束" in response.content.decode() and not RoundPublication.objects.exists()
