"""The demo's identification and exit (docs/domain.md §10), on dates relative to today so the
story holds whenever the demo is seeded: in the first secretary's village three candidate
households passed the assembly vote and their first notice is running, with one objection
received and not yet checked; in the same township two households are mid-exit (checklist
recorded, vote passed, notice running). Steps go through ``take_step`` as the township office,
so the demo obeys the workflow's rules."""
from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from households.models import Area, Household, Member
from households.selectors import thresholds_for
from households.services import head_member_values
from identification.models import ExitCheckItem, ExitChecklist, Step, StepEntry
from identification.rules import CHECKLIST_ITEMS
from identification.services.objections import record_objection
from identification.services.steps import take_step
from pairing.models import Posting, Role
from shuanglian.errors import DomainError

DEMO_NOTE = "演示：年度识别"
SIGNED = [{"name": "王建国", "role": "村党支部书记"}, {"name": "李秀英", "role": "村委会主任"},
          {"name": "张志强", "role": "驻村第一书记"}]


def seed_identification(account, ids) -> list[tuple[str, str]]:
    """The township office's sign-in (the county's exists), and the procedures under way; once."""
    posting = Posting.objects.filter(role=Posting.Role.FIRST_SECRETARY).select_related("village").order_by("start").first()
    if posting is None:
        return []
    village = posting.village
    township = Area.objects.get(code=village.code[:9] + "000")
    office = account("qinzhou_township", f"{township.name}双联办", is_staff=True)
    Role.objects.update_or_create(user=office, defaults={"kind": Role.Kind.OFFICE, "area": township, "unit": None,
                                                         "can_view_id_numbers": False})
    sign_ins = [("乡镇双联办", office.username)]
    if Step.objects.filter(village=village, note=DEMO_NOTE).exists():
        return sign_ins
    today = timezone.localdate()
    days = max(thresholds_for(today.year).notice_days, 7)
    _identification(office, village, ids, today, days)
    _exits(office, village, township, today, days)
    return sign_ins


def _identification(office, village, ids, today, days) -> None:
    rnd = random.Random(2025)
    candidates = []
    for i, (name, people) in enumerate((("赵宝山", 4), ("孙金花", 2), ("马兴旺", 5)), start=1):
        head = ids.make(1955, 1985)
        while Member.objects.filter(id_number=head).exists() or Household.objects.filter(head_id_number=head).exists():
            head = ids.make(1955, 1985)
        h = Household.objects.create(number=f"{village.code}D{i:02d}", village=village, head_name=name,
                                     head_id_number=head, resident_population=people,
                                     main_cause=rnd.choice(["illness", "disability", "skills"]),
                                     status=Household.Status.CANDIDATE)
        # The head as the registry makes one (birth date and sex from the ID number), so that the
        # demo's roster imports back unchanged.
        Member.objects.create(id_number=head, **head_member_values(household=h, head_name=name, head_id_number=head,
                                                                   stored=None))
        candidates.append(h)
    vote_day = today - timedelta(days=5)
    year = vote_day.year  # seeded on New Year's Day, the procedure is last year's
    take_step(office, village=village, procedure="identification", year=year, stage="vote", date=vote_day,
              households=candidates, signatories=SIGNED, note=DEMO_NOTE,
              results={h.pk: {"passed": True, "votes_for": 41 - i, "votes_against": i, "votes_abstaining": 1}
                       for i, h in enumerate(candidates)})
    notice = take_step(office, village=village, procedure="identification", year=year, stage="first_notice",
                       date=today - timedelta(days=3), end_date=today - timedelta(days=3) + timedelta(days=days - 1),
                       households=candidates, signatories=SIGNED[:1], note=DEMO_NOTE,
                       results={h.pk: {"passed": True} for h in candidates})
    record_objection(office, notice, candidates[2], today - timedelta(days=1), "",
                     "该户家中新购小型货车一辆，经营运输，收入不低。")


def _exits(office, village: Area, township: Area, today, days) -> None:
    """Two registered households of the township: checklist recorded, vote passed, notice running."""
    registered = Household.objects.filter(village__code__startswith=township.code[:9], status=Household.Status.REGISTERED)
    code = (registered.values("village_id").annotate(n=Count("pk")).filter(n__gte=2).order_by("village_id")
            .values_list("village_id", flat=True).first())
    if code is None:
        return
    exit_village = Area.objects.get(code=code)
    leaving = list(registered.filter(village_id=code).order_by("number")[:2])
    vote_day, notice_day = today - timedelta(days=4), today - timedelta(days=2)
    year = vote_day.year
    cadre_user = Posting.objects.filter(village=village).values_list("cadre__user", flat=True).first()
    for h in leaving:
        checklist = ExitChecklist.objects.create(household=h, year=year, recorded_on=today - timedelta(days=10),
                                                 recorded_by_id=cadre_user)
        for item, _label in CHECKLIST_ITEMS:
            ExitCheckItem.objects.create(checklist=checklist, item=item, holds=True, note="已入户核实")
    results = {h.pk: {"passed": True, "votes_for": 38, "votes_against": 0, "votes_abstaining": 2} for h in leaving}
    try:
        take_step(office, village=exit_village, procedure="exit", year=year, stage="vote", date=vote_day,
                  households=leaving, results=results, signatories=SIGNED[:2], note=DEMO_NOTE)
        take_step(office, village=exit_village, procedure="exit", year=year, stage="first_notice",
                  date=notice_day, end_date=notice_day + timedelta(days=days - 1), households=leaving,
                  results={h.pk: {"passed": True} for h in leaving}, signatories=SIGNED[:1], note=DEMO_NOTE)
    except DomainError:
        # The demo's incomes may not pass the exit test of the year: the records are written as
        # they would stand, so the pages have an exit under way to show.
        Step.objects.filter(village=exit_village, procedure="exit", note=DEMO_NOTE).delete()
        vote = Step.objects.create(village=exit_village, procedure="exit", year=year, stage="vote",
                                   date=vote_day, signatories=SIGNED[:2], note=DEMO_NOTE, taken_by=office)
        notice = Step.objects.create(village=exit_village, procedure="exit", year=year, stage="first_notice",
                                     date=notice_day, end_date=notice_day + timedelta(days=days - 1),
                                     signatories=SIGNED[:1], note=DEMO_NOTE, taken_by=office)
        for h in leaving:
            StepEntry.objects.create(step=vote, household=h, **results[h.pk])
            StepEntry.objects.create(step=notice, household=h, passed=True)
