"""The office's pages of identification and exit: the villages, a village's procedures page and
its forms, a household's history, a step's document and the workbook of steps."""
from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from identification.models import Objection, Step

from .conftest import d, step

pytestmark = pytest.mark.django_db  # the clock is pinned (tests/identification/conftest.py): no date of the session matters


@pytest.fixture
def county_client(w):
    client = Client()
    client.force_login(w.users.county)
    return client


@pytest.fixture
def township_client(w):
    client = Client()
    client.force_login(w.users.township)
    return client


def _vote(w, households, **extra):
    data = {"form": "step", "procedure": "identification", "stage": "vote", "year": 2025, "date": "2025-08-01",
            "signatories": "王书记 村党支部书记\n李主任　村委会主任", "note": "", "key": str(uuid.uuid4()),
            "households": [h.pk for h in households]}
    for h in households:
        data.update({f"passed_{h.pk}": "1", f"votes_for_{h.pk}": "30", f"votes_against_{h.pk}": "2",
                     f"votes_abstaining_{h.pk}": "1"})
    data.update(extra)
    return data


def test_the_villages_page_lists_villages_with_candidates(w, county_client):
    page = county_client.get(reverse("identification-villages"))
    assert page.status_code == 200
    rows = {r["village_id"]: (r["in_procedure"], r["candidates"]) for r in page.context["rows"]}
    assert rows == {"620502100001": (0, 2), "620502100002": (0, 1)}


def test_a_township_office_takes_the_vote_for_a_batch_on_the_village_page(w, township_client):
    url = reverse("identification-village", args=[w.village.code])
    response = township_client.post(url, _vote(w, [w.h, w.second]))
    assert response.status_code == 302
    vote = Step.objects.get()
    assert vote.signatories == [{"name": "王书记", "role": "村党支部书记"}, {"name": "李主任", "role": "村委会主任"}]
    assert sorted(vote.entries.values_list("votes_for", flat=True)) == [30, 30]
    page = township_client.get(url)
    assert page.context["by_stage"][0]["next"] == "first_notice"


def test_a_step_refused_shows_the_services_message_and_stores_nothing(w, county_client):
    response = county_client.post(reverse("identification-village", args=[w.village.code]), _vote(w, [w.h]))
    assert response.status_code == 200 and "驻村工作队" in response.content.decode()
    assert not Step.objects.exists()


def test_a_scanned_document_is_checked_and_handed_out_in_scope(w, township_client, settings, tmp_path):
    settings.IDENTIFICATION_DOCUMENTS_ROOT = tmp_path
    url = reverse("identification-village", args=[w.village.code])
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = township_client.post(url, {**_vote(w, [w.h]), "document": fake})
    assert response.status_code == 200 and "须为PDF、JPEG或PNG文件" in response.content.decode()
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    assert township_client.post(url, {**_vote(w, [w.h]), "document": scan}).status_code == 302
    download = township_client.get(reverse("identification-document", args=[Step.objects.get().pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    other = Client()
    other.force_login(w.users.other_county)
    assert other.get(reverse("identification-document", args=[Step.objects.get().pk])).status_code == 404


def test_objections_are_recorded_and_checked_on_the_village_page(w, township_client):
    step(w, w.users.township, "vote", d(8, 1))
    notice = step(w, w.users.township, "first_notice", d(8, 2), end=d(8, 8))
    url = reverse("identification-village", args=[w.village.code])
    assert township_client.post(url, {"form": "objection", "notice": notice.pk, "household": w.h.pk,
                                      "received_on": "2025-08-03", "raised_by": "", "content": "家有轿车"}).status_code == 302
    objection = Objection.objects.get()
    assert township_client.post(url, {"form": "check", "objection": objection.pk, "checked_on": "2025-08-05",
                                      "checkers": "张核实 乡镇干部", "finding": "车为借用", "upheld": "0"}).status_code == 302
    objection.refresh_from_db()
    assert (objection.upheld, objection.checkers) == (False, [{"name": "张核实", "role": "乡镇干部"}])


def test_a_leader_reads_the_page_without_its_forms_and_cannot_post(w):
    client = Client()
    client.force_login(w.users.leader)
    url = reverse("identification-village", args=[w.village.code])
    page = client.get(url)
    assert page.status_code == 200 and 'id="step-form"' not in page.content.decode()
    assert client.post(url, _vote(w, [w.h])).status_code == 403


def test_another_countys_village_is_not_found(w):
    client = Client()
    client.force_login(w.users.other_county)
    assert client.get(reverse("identification-village", args=[w.village.code])).status_code == 404
    assert client.get(reverse("identification-household", args=[w.h.number])).status_code == 404


def test_the_household_history_lists_every_step_and_objection(w, county_client):
    step(w, w.users.township, "vote", d(8, 1))
    notice = step(w, w.users.township, "first_notice", d(8, 2), end=d(8, 8))
    Objection.objects.create(notice=notice, household=w.h, received_on=d(8, 3), content="家有轿车")
    page = county_client.get(reverse("identification-household", args=[w.h.number])).content.decode()
    assert "民主评议" in page and "第一次公示" in page and "家有轿车" in page and "待识别" in page


def test_the_steps_of_an_area_and_year_export_one_row_per_household(w, county_client):
    step(w, w.users.township, "vote", d(8, 1), households=[w.h, w.second])
    response = county_client.get(reverse("identification-export") + "?area=620502000000&year=2025")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "H620502B" in text and "王书记 村党支部书记" in text and "民主评议" in text


def test_the_api_lists_steps_with_entries_and_exports_them(w):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    step(w, w.users.township, "vote", d(8, 1), households=[w.h, w.second])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=w.users.county)[0].key}")
    listed = client.get("/api/v1/identification-steps/?area=620502000000&year=2025&procedure=identification").json()
    assert [e["household"] for e in listed["results"][0]["entries"]] == ["H620502", "H620502B"]
    assert client.get("/api/v1/identification-steps/xlsx/?year=2025").status_code == 200
    assert client.get("/api/v1/identification-steps/xlsx/?year=2025&area=620503000000").status_code == 400
    assert client.post("/api/v1/identification-steps/", {}, format="json").status_code == 405


def test_hostile_posts_to_the_village_forms_are_never_a_server_error(w, township_client):
    from tests.test_page_fuzz import HOSTILE

    url = reverse("identification-village", args=[w.village.code])
    fields = {
        "step": ["procedure", "stage", "year", "date", "end_date", "signatories", "note", "key", "households",
                 f"passed_{w.h.pk}", f"votes_for_{w.h.pk}", f"votes_against_{w.h.pk}", f"votes_abstaining_{w.h.pk}"],
        "objection": ["notice", "household", "received_on", "raised_by", "content"],
        "check": ["objection", "checked_on", "checkers", "finding", "upheld"],
    }
    for form, names in fields.items():
        for turn in range(len(HOSTILE)):
            data = {"form": form, **{n: HOSTILE[(turn + j) % len(HOSTILE)] for j, n in enumerate(names)}}
            assert township_client.post(url, data).status_code in (200, 302), (form, turn)
    assert not Step.objects.exists() and not Objection.objects.exists()


def test_the_villages_page_reads_in_english(w, county_client):
    from tests.test_english import assert_headings_in_english

    page = county_client.get(reverse("identification-villages"), HTTP_ACCEPT_LANGUAGE="en")
    assert_headings_in_english(page.content.decode())


def test_the_village_page_ignores_a_preset_it_cannot_read(w, township_client):
    url = reverse("identification-village", args=[w.village.code])
    for year in ("²", "٢٠٢٥", "9" * 5000, "-1"):
        page = township_client.get(url, {"procedure": "exit", "stage": "nope", "year": year, "households": "x"})
        assert page.status_code == 200
