"""The cadre's phone without a signal (离线可用): a visit with a photo is kept in the outbox,
survives a reload offline, and is sent once when the signal returns; the same entry sent
twice stores one visit; a visit refused because its month was locked meanwhile stays in the
outbox with the server's message until it is corrected and sent."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from reports.models import MonthlySubmission
from tests.browser.conftest import sign_in
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTES = "王大爷家的屋顶漏雨，需要协调危房改造。"


def sign_in_for_offline(page, live_server, cadre):
    """Signed in, with the service worker installed and the cadre's pages kept on the phone."""
    sign_in(page, f"{live_server.url}/", cadre.id_number)
    page.wait_for_selector("#progress")
    page.wait_for_selector("html[data-offline-ready]")
    page.goto(f"{live_server.url}/visits/new/")
    page.wait_for_selector("#visit-form")


def fill_a_visit(page, on=None):
    page.check("input[name=households]")
    page.check("input[name=tasks][value=policy]")
    page.fill("textarea[name=notes]", NOTES)
    if on:
        page.fill("input[name=start]", on.isoformat())
        page.fill("input[name=end]", on.isoformat())


def queue_offline(page, on=None):
    page.context.set_offline(True)
    fill_a_visit(page, on)
    page.click("#save-visit")
    page.wait_for_selector(".outbox-note:has-text('已保存在手机上')")
    assert page.inner_text("#outbox-count") == "1"


def wait_until_sent(page):
    page.wait_for_selector("#outbox", state="hidden")


def test_a_visit_with_a_photo_logged_offline_is_sent_once_when_the_signal_returns(phone, live_server, cadre,
                                                                                   tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    Image.new("RGB", (3200, 2400), "green").save(tmp_path / "roof.png")
    sign_in_for_offline(phone, live_server, cadre)
    phone.set_input_files("input[name=photos]", str(tmp_path / "roof.png"))
    queue_offline(phone)
    assert phone.input_value("textarea[name=notes]") == ""  # the form is free for the next visit
    phone.reload()
    phone.wait_for_selector("#offline-banner:has-text('离线：数据更新于')")
    phone.wait_for_selector("#outbox:has-text('待发送')")
    assert phone.inner_text("#outbox-count") == "1" and not Visit.objects.exists()
    phone.context.set_offline(False)
    wait_until_sent(phone)
    visit = Visit.objects.get(cadre=cadre)
    assert visit.notes == NOTES and visit.photos.count() == 1
    with Image.open(visit.photos.get().image.path) as stored:
        assert max(stored.size) <= 1600


def test_the_same_outbox_sent_twice_stores_one_visit(phone, live_server, cadre):
    sign_in_for_offline(phone, live_server, cadre)
    queue_offline(phone)
    # What a second phone (or a retry after a lost answer) would send: the same entry, key and all.
    phone.evaluate("""() => new Promise((resolve) => {
      indexedDB.open('shuanglian-outbox').onsuccess = (e) => {
        e.target.result.transaction('items').objectStore('items').getAll().onsuccess = (r) => {
          window.copied = r.target.result; resolve(); };
      };
    })""")
    phone.context.set_offline(False)
    wait_until_sent(phone)
    phone.context.set_offline(True)
    phone.evaluate("""() => new Promise((resolve) => {
      indexedDB.open('shuanglian-outbox').onsuccess = (e) => {
        const tx = e.target.result.transaction('items', 'readwrite');
        window.copied.forEach((item) => tx.objectStore('items').put(item));
        tx.oncomplete = resolve;
      };
    })""")
    phone.reload()
    phone.wait_for_selector("#outbox-count:text('1')")
    phone.context.set_offline(False)  # the online event sends it again: the server answers with the first visit
    wait_until_sent(phone)
    assert Visit.objects.filter(cadre=cadre).count() == 1


def test_the_phone_gives_the_emptied_form_a_time_ordered_key(phone, live_server, cadre):
    sign_in_for_offline(phone, live_server, cadre)
    served = uuid.UUID(phone.input_value("input[name=key]"))
    before = phone.evaluate("Date.now()")
    queue_offline(phone)
    after = phone.evaluate("Date.now()")
    fresh = uuid.UUID(phone.input_value("input[name=key]"))  # made by the outbox for the next visit
    assert served.version == fresh.version == 7 and fresh.variant == uuid.RFC_4122 and fresh != served
    assert before <= fresh.int >> 80 <= after  # the phone's milliseconds first


def test_a_visit_refused_for_a_locked_month_stays_until_corrected(phone, live_server, cadre):
    today = timezone.localdate()
    last_month = today - timedelta(days=today.day)  # the last day of the month before
    sign_in_for_offline(phone, live_server, cadre)
    queue_offline(phone, on=last_month)
    now = timezone.now()
    MonthlySubmission.objects.create(unit=cadre.unit, month=last_month.replace(day=1), due=today, summary="月报",
                                     status=MonthlySubmission.Status.APPROVED, first_submitted_at=now,
                                     submitted_at=now)  # approved meanwhile: the month is locked
    phone.context.set_offline(False)
    phone.wait_for_selector("#outbox li.refused:has-text('锁定')")
    phone.reload()  # still there after a reload, with the server's message
    phone.wait_for_selector("#outbox li.refused:has-text('锁定')")
    assert not Visit.objects.exists()
    phone.click("#outbox li.refused .outbox-open")
    phone.wait_for_selector("#visit-form .outbox-note.error:has-text('锁定')")
    assert phone.input_value("textarea[name=notes]") == NOTES and phone.is_checked("input[name=households]")
    phone.fill("input[name=start]", today.isoformat())
    phone.fill("input[name=end]", today.isoformat())
    phone.click("#save-visit")
    phone.wait_for_selector("#progress")
    phone.wait_for_selector("#outbox-flash:has-text('已发送：走访')")
    visit = Visit.objects.get(cadre=cadre)
    assert visit.start == today and visit.notes == NOTES
    assert phone.inner_text("#outbox-count") == "0"
