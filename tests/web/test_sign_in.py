"""The front door: one sign-in page for every role, reached from `/`, with password change,
password reset by mail, sign-out, and the admin still open to staff."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-Long-passw0rd"


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_an_anonymous_visitor_of_the_front_page_is_sent_to_the_sign_in_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_sign_in_page_tells_a_cadre_that_the_username_is_the_id_number(client):
    page = client.get(reverse("login")).content.decode()
    assert "用户名（干部请填身份证号）" in page and reverse("password_reset") in page


def test_a_cadre_signs_in_on_the_sign_in_page_and_lands_on_the_workspace(client, counties):
    cadre = counties["mine"]["cadre"]
    response = sign_in(client, cadre.id_number, PASSWORD)
    assert response.status_code == 302
    landing = client.get(response.url, follow=True)
    assert landing.redirect_chain[-1][0] == reverse("visits-workspace") and landing.status_code == 200


def test_an_id_number_typed_with_a_lower_case_x_signs_in(client, counties):
    get_user_model().objects.create_user("62050219800101123X", password=PASSWORD)
    assert sign_in(client, "62050219800101123x", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_a_wrong_password_is_answered_in_chinese(client, counties):
    page = sign_in(client, counties["mine"]["cadre"].id_number, "wrong-password")
    assert page.status_code == 200 and "用户名或密码不正确" in page.content.decode()


def test_an_office_lands_on_the_front_page(client, office):
    response = sign_in(client, office.username, PASSWORD)
    assert response.url == reverse("home") and client.get(response.url).status_code == 200


def test_the_admin_sends_an_anonymous_visitor_to_the_sign_in_page(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=" + reverse("admin:index")
    assert "用户名（干部请填身份证号）" in response.content.decode()


def test_staff_sign_in_on_the_sign_in_page_and_reach_the_admin(client, office):
    response = sign_in(client, office.username, PASSWORD, next=reverse("admin:index"))
    assert response.url == reverse("admin:index") and client.get(response.url).status_code == 200


def test_a_signed_in_cadre_is_told_plainly_that_the_admin_is_not_for_them(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403 and "不能进入管理后台" in response.content.decode()


def test_a_signed_in_user_opening_the_sign_in_page_goes_on_to_the_front_page(client, office):
    client.force_login(office)
    assert client.get(reverse("login")).url == reverse("home")


def test_signing_out_leaves_a_way_back_in(client, office):
    client.force_login(office)
    page = client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session and reverse("login") in page.content.decode()


def test_the_password_change_page_needs_a_sign_in(client):
    assert client.get(reverse("password_change")).url.startswith(reverse("login"))


def test_a_cadre_changes_the_password(client, counties):
    user = counties["mine"]["cadre"].user
    client.force_login(user)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                        "new_password2": NEW_PASSWORD})
    assert response.url == reverse("password_change_done")
    assert "密码已修改" in client.get(response.url).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_too_short_new_password_is_refused_with_a_message(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    page = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short1",
                                                    "new_password2": "short1"})
    assert page.status_code == 200 and 'class="error"' in page.content.decode()


def test_a_password_is_reset_through_the_link_in_the_mail(client, office):
    office.email = "office@example.gov.cn"
    office.save()
    assert "找回密码" in client.get(reverse("password_reset")).content.decode()
    response = client.post(reverse("password_reset"), {"email": office.email})
    assert response.url == reverse("password_reset_done") and len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert sign_in(client, office.username, NEW_PASSWORD).status_code == 302


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, office):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"}, follow=True)
    assert "请查收邮件" in response.content.decode() and not mail.outbox


def test_a_used_reset_link_is_refused_with_a_message(client, office):
    office.email = "office@example.gov.cn"
    office.save()
    client.post(reverse("password_reset"), {"email": office.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "链接无效" in client.get(link, follow=True).content.decode()


def test_the_sign_in_page_and_the_reset_mail_read_in_english(client, office):
    office.email = "office@example.gov.cn"
    office.save()
    assert "Username (cadres: your ID number)" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("password_reset"), {"email": office.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[0].subject == "Shuanglian: reset your password"
    assert mail.outbox[0].body.startswith("Hello office,") and "Your username: office" in mail.outbox[0].body
