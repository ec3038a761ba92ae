"""The phone app's server side: the service worker at the root with its version, the manifest,
staying signed in on one's own phone, and signing out everywhere."""
import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from shuanglian import offline

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_at_the_root_with_its_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert body.startswith(f'const VERSION = "{offline.release_version()}";') and "/static/js/outbox.js" in body


def test_a_new_release_changes_the_service_workers_version(settings):
    before = offline.release_version()
    settings.SHUANGLIAN_RELEASE = "2026.12.2"
    assert offline.release_version() != before and offline.release_version().startswith("2026.12.2-")


def test_every_page_links_the_manifest_and_the_outbox(client):
    page = client.get(reverse("login")).content.decode()
    assert "manifest.webmanifest" in page and 'id="outbox-script"' in page


def test_signing_out_everywhere_ends_every_session_and_token(django_user_model):
    user = django_user_model.objects.create_user("cadre", password="a-Long-phone-passw0rd")
    other = django_user_model.objects.create_user("other", password="a-Long-phone-passw0rd")
    phone, laptop, someone = Client(), Client(), Client()
    for c, u in ((phone, user), (laptop, user), (someone, other)):
        c.force_login(u)
    Token.objects.create(user=user)
    assert phone.post(reverse("sign-out-everywhere")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 302  # sent to sign in
    assert not Token.objects.filter(user=user).exists()
    assert [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()] == [str(other.pk)]  # others stay


def test_a_sign_in_without_keep_me_signed_in_ends_with_the_browser(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="a-Long-phone-passw0rd")
    client.post(reverse("login"), {"username": "clerk", "password": "a-Long-phone-passw0rd"})
    assert client.session.get_expire_at_browser_close()
    client.logout()
    client.post(reverse("login"), {"username": "clerk", "password": "a-Long-phone-passw0rd", "remember": "on"})
    assert not client.session.get_expire_at_browser_close()


def test_the_phone_forms_name_households_by_number_for_the_api(db):
    from households.models import Household
    from tests import factories as f
    from visits.forms import DemandForm, VisitForm

    household = f.HouseholdFactory()
    households = Household.objects.filter(pk=household.pk)
    for form in (VisitForm(households=households), DemandForm(households=households)):
        html = str(form["households" if "households" in form.fields else "household"])
        assert f'data-api-value="{household.number}"' in html and f'value="{household.pk}"' in html
    assert DemandForm(households=households)["key"].value()  # a fresh idempotency key per form
