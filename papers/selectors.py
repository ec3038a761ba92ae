"""The papers of a household (docs/domain.md §12), read in batches: the contact cards (连心卡),
the help handbook (帮扶手册) and a cadre's diary (民情日记).

Each paper is built as plain rows masked for the reader (``shown_id_number``, ``shown_phone``,
``shown_birth_date``), from the lower apps' ``visible_*`` sets. Handbooks are built for a batch of
households at a time with a fixed number of queries per batch, never per household, so a
county's handbooks stream in constant memory (``handbook_batches``)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from households.access import visible_households
from households.models import Household, HouseholdPlan, IncomeRecord, Member, PlanMeasure, PovertyCause
from pairing.access import visible_household_pairings
from pairing.models import Cadre
from pairing.selectors import in_force
from shuanglian import scoping
from visits.access import visible_deeds, visible_demands, visible_visits
from visits.models import Task, Visit

BATCH = 500  # households per batch of the handbook: about ten queries each
TASK_LABELS = dict(Task.choices)
CAUSE_LABELS = dict(PovertyCause.choices)


def duties_text() -> str:
    """What a paired cadre does for the household (the six tasks, docs/domain.md §6), printed on the card."""
    return gettext("宣传政策、反映民意、促进发展、疏导情绪、强基固本、推广典型；帮助理清发展思路，落实帮扶措施，帮办实事。")


def task_labels(tasks) -> str:
    return "、".join(str(TASK_LABELS[t]) for t in tasks or [] if t in TASK_LABELS)


# --- contact cards (连心卡) ---------------------------------------------------------------------------

def contact_cards(reader, *, village_code: str | None = None, cadre_id: int | None = None, on: date) -> list[dict]:
    """One card per household paired on ``on`` in a village, or with a cadre, that the reader sees."""
    pairings = visible_household_pairings(reader).filter(in_force(on)).filter(
        household__in=visible_households(reader))
    if village_code:
        pairings = pairings.filter(household__village_id=village_code)
    elif cadre_id:
        pairings = pairings.filter(cadre_id=cadre_id)
    else:
        return []
    pairings = pairings.select_related("household__village", "cadre__unit").order_by("household__number")
    duties = duties_text()
    return [{
        "number": p.household.number, "head": p.household.head_name, "village": p.household.village.name,
        "cadre": p.cadre.name, "unit": p.cadre.unit.name, "phone": scoping.shown_phone(reader, p.cadre.phone),
        "duties": duties,
    } for p in pairings]


# --- the help handbook (帮扶手册) -------------------------------------------------------------------

def handbook_batches(reader, households: QuerySet[Household], *, batch: int = BATCH) -> Iterator[list[dict]]:
    """The handbooks of ``households`` (already narrowed to the reader), ``batch`` at a time, in
    household-number order. The numbers are read first (one column), then each batch is loaded
    with one query per kind of record."""
    numbers = list(households.order_by("number").values_list("pk", flat=True))
    for i in range(0, len(numbers), batch):
        yield handbooks(reader, numbers[i:i + batch])


def handbooks(reader, household_ids: Iterable[int]) -> list[dict]:
    ids = list(household_ids)
    found = {h.pk: h for h in Household.objects.filter(pk__in=ids).select_related("village__parent")}
    members, incomes, plans = defaultdict(list), defaultdict(list), defaultdict(list)
    for m in Member.objects.filter(household_id__in=ids).order_by("household_id", "pk"):
        members[m.household_id].append({
            "name": m.name, "relation": m.relation, "sex": m.get_sex_display(),
            "id_number": scoping.shown_id_number(reader, m.id_number),
            "birth": scoping.shown_birth_date(reader, m.birth_date) or "",
            "health": m.get_health_display(), "labour": m.get_labour_ability_display(),
            "schooling": m.schooling, "migrant": m.migrant_worker,
        })
    for r in IncomeRecord.objects.filter(household_id__in=ids).order_by("household_id", "year"):
        incomes[r.household_id].append(r)
    for p in HouseholdPlan.objects.filter(household_id__in=ids).order_by("household_id", "year"):
        plans[p.household_id].append(p)
    # The plans' structured measures: one query for the batch, grouped by plan (帮扶措施 block).
    measures: dict[int, list] = defaultdict(list)
    for m in PlanMeasure.objects.filter(plan__household_id__in=ids).order_by("plan_id", "pk"):
        measures[m.plan_id].append(m)
    pairings = defaultdict(list)
    for p in (visible_household_pairings(reader).filter(household_id__in=ids)
              .select_related("cadre__unit").order_by("household_id", "start")):
        pairings[p.household_id].append({
            "cadre": p.cadre.name, "unit": p.cadre.unit.name, "phone": scoping.shown_phone(reader, p.cadre.phone),
            "start": p.start, "end": p.end})
    visits = defaultdict(list)
    through = Visit.households.through.objects.filter(
        household_id__in=ids, visit__in=visible_visits(reader)).select_related("visit__cadre").order_by(
        "household_id", "visit__start")
    for link in through:
        v = link.visit
        visits[link.household_id].append({
            "start": v.start, "end": v.end, "cadre": v.cadre.name, "stayed": v.stayed, "tasks": task_labels(v.tasks),
            "help_given": v.help_given, "notes": v.notes})
    deeds, demands = defaultdict(list), defaultdict(list)
    for d in visible_deeds(reader).filter(household_id__in=ids).select_related("cadre").order_by("household_id", "on"):
        deeds[d.household_id].append(d)
    for d in visible_demands(reader).filter(household_id__in=ids).order_by("household_id", "created_at"):
        demands[d.household_id].append(d)
    books = []
    for pk in ids:
        h = found.get(pk)
        if h is None:
            continue
        causes = [CAUSE_LABELS.get(h.main_cause, "")] if h.main_cause else []
        causes += [str(CAUSE_LABELS[c]) for c in h.other_causes or [] if c in CAUSE_LABELS and c != h.main_cause]
        household_plans = plans[pk]
        books.append({
            "household": h, "township": h.village.parent.name if h.village.parent_id else "",
            "head_id_number": scoping.shown_id_number(reader, h.head_id_number),
            "causes": "、".join(str(c) for c in causes), "members": members[pk], "incomes": incomes[pk],
            "plans": [{"plan": p, "measures": measures[p.pk]} for p in household_plans],
            "pairings": pairings[pk], "visits": visits[pk], "deeds": deeds[pk], "demands": demands[pk],
        })
    return books


# --- the diary (民情日记) ----------------------------------------------------------------------------

def diary(reader, cadre: Cadre, year: int) -> list[dict]:
    """A cadre's visits of a year by date, with the households, notes and photos."""
    visits = (visible_visits(reader).filter(cadre=cadre, start__year=year).order_by("start", "pk")
              .prefetch_related("households", "photos"))
    return [{
        "start": v.start, "end": v.end, "stayed": v.stayed, "tasks": task_labels(v.tasks),
        "households": "、".join(f"{h.head_name}（{h.number}）" for h in v.households.all()),
        "help_given": v.help_given, "notes": v.notes, "photos": [reverse("visit-photo", args=[p.pk]) for p in v.photos.all() if p.image],
    } for v in visits]
