"""A real Chromium (Debian's, never a downloaded one) driven by Playwright at a phone's size."""
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    settle(page)
    context.close()


# Asks the phone app's service worker (static/js/sw.js) to answer once the pages it keeps in the
# background are fetched, so that no request is still in flight when the database is emptied.
SETTLE = """() => new Promise((resolve) => {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return resolve();
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  worker.postMessage({type: "idle"}, [channel.port2]);
  setTimeout(resolve, 5000);
})"""


def settle(page) -> None:
    try:
        page.evaluate(SETTLE)
    except Exception:  # noqa: BLE001 - a closed or crashed page has nothing in flight
        pass


CADRE_PASSWORD = "a-Long-phone-passw0rd"


@pytest.fixture
def cadre():
    """A cadre with a sign-in account, paired with one household for the last 200 days."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests import factories as f

    pairing = f.HouseholdPairingFactory(start=timezone.localdate() - timedelta(days=200))
    pairing.cadre.user = get_user_model().objects.create_user(pairing.cadre.id_number, password=CADRE_PASSWORD)
    pairing.cadre.save()
    return pairing.cadre


def sign_in(page, url: str, username: str, password: str = CADRE_PASSWORD) -> None:
    """Fill the one sign-in page found at ``url`` (the front door or /accounts/login/) and submit."""
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
