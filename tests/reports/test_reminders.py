"""The weekly reminder: each unit administrator learns which of the unit's cadres are behind pace."""
from datetime import date

import pytest
from django.core import mail

from reports.models import Notice
from reports.services import notices
from tests import factories as f

pytestmark = pytest.mark.django_db

END_OF_MARCH = date(2025, 3, 31)


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def remind(today=END_OF_MARCH):
        with django_capture_on_commit_callbacks(execute=True):
            return notices.send_pace_reminders(today=today)
    return remind


def test_each_unit_administrator_is_told_which_cadres_are_behind(people, remind):
    assert remind() == 2
    notice = Notice.objects.get(user=people.nongye)
    assert notice.title == "农业局有 1 名干部走访进度滞后"
    assert "李二：已走访 0 次（应 1 次），累计 0 天（应 4 天）" in notice.body and "张一" not in notice.body
    assert notice.link == "/visits/due/?unit=U1"


def test_the_reminder_is_also_sent_by_email(people, remind):
    remind()
    sent = sorted(mail.outbox, key=lambda m: m.to)
    assert [(m.to, m.subject) for m in sent] == [
        (["nongye@example.gov.cn"], "农业局有 1 名干部走访进度滞后"), (["shuili@example.gov.cn"], "水利局有 1 名干部走访进度滞后")]
    assert Notice.objects.filter(emailed_at__isnull=False).count() == 2


def test_running_the_reminder_twice_in_a_week_sends_nothing_new(people, remind):
    remind()
    assert remind(date(2025, 4, 2)) == 0
    assert (Notice.objects.count(), len(mail.outbox)) == (2, 2)


def test_next_week_brings_a_new_reminder(people, remind):
    remind()
    remind(date(2025, 4, 7))
    assert Notice.objects.filter(user=people.nongye).count() == 2


def test_a_unit_whose_cadres_are_all_on_pace_gets_no_reminder(county, people, remind):
    f.VisitFactory(cadre=county.cadres[1], start=date(2025, 3, 10), end=date(2025, 3, 13), households=[county.households[2]])
    remind()
    assert not Notice.objects.filter(user=people.nongye).exists()


def test_an_administrator_without_an_email_address_gets_the_notice_in_the_system_only(people, remind):
    people.nongye.email = ""
    people.nongye.save()
    remind()
    assert Notice.objects.filter(user=people.nongye).exists()
    assert [m.to for m in mail.outbox] == [["shuili@example.gov.cn"]]
