"""Hardening: sign-in lockout, security headers and the Content Security Policy, no inline
script in any template, and a clean deployment check in production settings."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failed_sign_ins_lock_the_account(client, office, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, office.username, "wrong-password")
    page = sign_in(client, office.username, PASSWORD)
    assert 'id="locked-out"' in page.text and "_auth_user_id" not in client.session


def test_a_few_failed_sign_ins_do_not_lock(client, office, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, office.username, "wrong-password")
    assert sign_in(client, office.username, PASSWORD).status_code == 302


def test_an_api_token_cannot_be_guessed_past_the_lockout(client, office, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": office.username, "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": office.username, "password": PASSWORD})
    assert response.status_code in (400, 403, 429) and "token" not in response.text


def test_pages_carry_the_security_headers(client, leader):
    client.force_login(leader)
    response = client.get(reverse("dashboard"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")))
def test_no_template_holds_inline_script(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text) and not INLINE_HANDLER.search(text)


@pytest.mark.django_db(transaction=False)
def test_the_deployment_check_is_clean_in_production_settings(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
           "DJANGO_ALLOWED_HOSTS": "shuanglian.example.gov.cn", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


# --- formula injection ---------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","点此")'


def _load(content: bytes):
    import io

    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_an_admin_excel_export_keeps_formula_text_as_text(client, office, counties):
    household = counties["mine"]["household"]
    household.head_name = FORMULA
    household.save()
    client.force_login(office)
    response = client.post(reverse("admin:households_household_export"), {"format": "0", "resource": "0"})
    cells = [cell for row in _load(response.content).iter_rows(min_row=2) for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_an_admin_csv_export_prefixes_formula_text(client, office, counties):
    household = counties["mine"]["household"]
    household.head_name = "+1+1"
    household.save()
    client.force_login(office)
    response = client.post(reverse("admin:households_household_export"), {"format": "1", "resource": "0"})
    text = response.content.decode("utf-8-sig")
    assert "'+1+1" in text and ",+1+1" not in text


def test_the_due_list_export_keeps_formula_text_as_text(client, office, counties):
    cadre = counties["mine"]["cadre"]
    cadre.name = FORMULA
    cadre.save()
    client.force_login(office)
    response = client.get(reverse("visits-due"), {"format": "xlsx"})
    sheet = _load(b"".join(response.streaming_content))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)
