"""Postings (驻村) and leave (请假), docs/domain.md §11: each rule stated once on plain facts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from households.models import Area, AreaLevel, PoorAreaYear
from shuanglian import freshness
from shuanglian.errors import DomainError
from shuanglian.roster.cells import EARLIEST

from ..models import (
    Cadre,
    HouseholdPairing,
    Leave,
    Posting,
    VillagePairing,
)
from ..selectors import in_force

# --- postings (驻村) and leave (请假), docs/domain.md §11 ----------------------------------------
#
# As with the pairing rules, each rule is stated once on plain facts (``posting_errors``,
# ``leave_errors``): the roster feeds them the file's rows merged with the database's, the admin
# and the services the database's with the change applied. A posting to a village that is not
# poor that year, or that the cadre's unit does not pair, is stored and flagged for review
# (``posting_warnings``), as pairings outside the unit's villages are (§4). The domain names no
# category of cadre that may not be posted (the category rule of §4 is about households), so no
# category is refused here.




@dataclass
class SpanFacts:
    """A posting or a leave row of a cadre, as its rules see it."""

    ref: Any  # echoed back with each error: a roster row number, a pk, "new"
    cadre: str  # the cadre's ID number
    start: date
    end: date | None
    village: str = ""  # a posting's village code
    role: str = ""  # a posting's role
    cadre_name: str = ""
    village_name: str = ""
    stored: bool = False  # already in the database: a conflict between two stored rows is not this write's


def _until(end: date | None) -> str:
    return gettext("至今") if end is None else gettext("至%(end)s") % {"end": f"{end:%Y-%m-%d}"}


def _overlaps(a: SpanFacts, b: SpanFacts) -> bool:
    return (a.end is None or a.end >= b.start) and (b.end is None or b.end >= a.start)


def _clashes(rows: list[SpanFacts]):
    """(the row to blame, the row it clashes with) for every overlapping pair of which at least
    one is being written: the written one is blamed, the later one when both are."""
    ordered = sorted(rows, key=lambda r: (r.start, str(r.ref)))
    for i, earlier in enumerate(ordered):
        for later in ordered[i + 1:]:
            if earlier.end is not None and later.start > earlier.end:
                break
            if earlier.stored and later.stored:
                continue
            if _overlaps(earlier, later):
                yield (earlier, later) if later.stored else (later, earlier)


def _ordered_spans(rows: list[SpanFacts]) -> tuple[list[tuple[Any, str]], list[SpanFacts]]:
    """The end-before-start errors, and the rows whose dates make a span."""
    errors = [(r.ref, gettext("结束日期不能早于开始日期。")) for r in rows if r.end is not None and r.end < r.start]
    return errors, [r for r in rows if r.end is None or r.end >= r.start]


def posting_errors(postings: list[SpanFacts]) -> list[tuple[Any, str]]:
    """Every breach of the posting rules among postings of the cadres and villages concerned:
    the end not before the start, one village at a time for a cadre, one first secretary at a
    time for a village."""
    errors, spans = _ordered_spans(postings)
    by_cadre, secretaries = defaultdict(list), defaultdict(list)
    for p in spans:
        by_cadre[p.cadre].append(p)
        if p.role == Posting.Role.FIRST_SECRETARY:
            secretaries[p.village].append(p)
    for rows in by_cadre.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与该干部%(start)s%(until)s在%(village)s的驻村时间重叠，一名干部同一时间只能驻一个村。")
                           % {"start": f"{other.start:%Y-%m-%d}", "until": _until(other.end),
                              "village": other.village_name or other.village}))
    for rows in secretaries.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与第一书记%(name)s%(start)s%(until)s的任职时间重叠，一个村同一时间只能有一名第一书记。")
                           % {"name": other.cadre_name or other.cadre, "start": f"{other.start:%Y-%m-%d}",
                              "until": _until(other.end)}))
    return errors


def posting_warnings(*, village_name: str, year: int, poor: bool, unit_name: str, unit_pairs_village: bool) -> list[str]:
    """What a posting is flagged for: stored, and shown to the office to review."""
    warnings = []
    if not poor:
        warnings.append(gettext("%(village)s在%(year)s年不是贫困村，驻村已登记，请核实。") % {"village": village_name, "year": year})
    if not unit_pairs_village:
        warnings.append(gettext("%(unit)s在驻村开始时未联系%(village)s，驻村已登记，请核实。") % {"unit": unit_name, "village": village_name})
    return warnings


def posting_village_problem(village) -> str | None:
    if village.level != AreaLevel.VILLAGE:
        return gettext("%(name)s不是村（社区），只能派驻到村。") % {"name": village.name}
    return None


def posting_facts_of(p, ref: Any = None) -> SpanFacts:
    return SpanFacts(ref=p.pk if ref is None else ref, cadre=p.cadre.id_number, cadre_name=p.cadre.name, start=p.start,
                     end=p.end, village=p.village_id, village_name=p.village.name if p.village_id else "", role=p.role,
                     stored=p.pk is not None)


def posting_flags(*, cadre: Cadre, village, start: date) -> list[str]:
    """The flags of one posting, read from the database."""
    poor = PoorAreaYear.objects.filter(area=village, year=start.year, kind=PoorAreaYear.Kind.POOR_VILLAGE).exists()
    paired = VillagePairing.objects.filter(in_force(start), unit_id=cadre.unit_id, village=village).exists()
    return posting_warnings(village_name=village.name, year=start.year, poor=poor, unit_name=cadre.unit.name,
                            unit_pairs_village=paired)


# What other apps keep against a posting and must stay true when it is corrected: the visits app
# registers its stays' rule (a stay lies within its posting, docs/domain.md §11), so this app
# never reads stays. A guard takes [(posting id, village code, start, end)] as they would become
# and answers {posting id: [message]}.
_posting_guards: list = []


def register_posting_guard(guard) -> None:
    if guard not in _posting_guards:
        _posting_guards.append(guard)


def posting_change_errors(changes: list[tuple[int, str, date, date | None]]) -> dict[int, list[str]]:
    """What the registered guards refuse of these corrections of stored postings."""
    found: dict[int, list[str]] = defaultdict(list)
    for guard in _posting_guards:
        for pk, messages in guard(changes).items():
            found[pk] += messages
    return found


def check_posting(*, cadre: Cadre, village, role: str, start: date, end: date | None, exclude_pk: int | None = None) -> list[str]:
    """Every rule of one posting against the stored ones; its flags (warnings) when it may be stored."""
    if problem := posting_village_problem(village):
        raise DomainError({"village": problem})
    others = (Posting.objects.filter(Q(cadre=cadre) | Q(village=village, role=Posting.Role.FIRST_SECRETARY))
              .exclude(pk=exclude_pk).select_related("cadre", "village"))
    this = SpanFacts(ref="new", cadre=cadre.id_number, cadre_name=cadre.name, start=start, end=end, village=village.code,
                     village_name=village.name, role=role)
    errors = [m for ref, m in posting_errors([posting_facts_of(p) for p in others] + [this]) if ref == "new"]
    if exclude_pk is not None:
        errors += posting_change_errors([(exclude_pk, village.code, start, end)]).get(exclude_pk, [])
    if errors:
        raise DomainError(list(dict.fromkeys(errors)))
    return posting_flags(cadre=cadre, village=village, start=start)


def _lock_village(village) -> None:
    """A village's postings queue here too, so two first secretaries posted at the same moment
    by two offices are checked one after the other."""
    Area.objects.select_for_update().filter(pk=village.pk).exists()


@transaction.atomic
def record_posting(*, cadre: Cadre, village, role: str, start: date, end: date | None = None) -> tuple[Any, list[str]]:
    """Post a cadre to a village (驻村): (the posting, what it is flagged for)."""
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)  # a cadre's postings queue here
    _lock_village(village)
    warnings = check_posting(cadre=cadre, village=village, role=role, start=start, end=end)
    freshness.touch_villages([village.code])
    return Posting.objects.create(cadre=cadre, village=village, role=role, start=start, end=end), warnings


@transaction.atomic
def update_posting(*, posting, village, role: str, start: date, end: date | None) -> tuple[Any, list[str]]:
    """Correct a posting by the rules of a new one."""
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=posting.cadre_id)
    _lock_village(village)
    warnings = check_posting(cadre=cadre, village=village, role=role, start=start, end=end, exclude_pk=posting.pk)
    freshness.touch_villages([posting.village_id, village.code])  # where it was and where it is
    posting.village, posting.role, posting.start, posting.end = village, role, start, end
    posting.save()
    return posting, warnings


def leave_errors(leaves: list[SpanFacts], *, today: date) -> list[tuple[Any, str]]:
    """Every breach of the leave rules among a cadre's leave rows: an end, not before the start,
    dates within the bounds of every date of the roster, and no two rows overlapping."""
    latest = today + timedelta(days=366)
    errors = [(r.ref, gettext("请填写请假结束日期。")) for r in leaves if r.end is None]
    dated = [r for r in leaves if r.end is not None]
    for r in dated:
        if not r.stored and not (EARLIEST <= r.start <= latest and EARLIEST <= r.end <= latest):
            errors.append((r.ref, gettext("请假日期超出合理范围（%(first)s至%(last)s）。")
                           % {"first": f"{EARLIEST:%Y-%m-%d}", "last": f"{latest:%Y-%m-%d}"}))
    more, spans = _ordered_spans(dated)
    errors += more
    by_cadre = defaultdict(list)
    for r in spans:
        by_cadre[r.cadre].append(r)
    for rows in by_cadre.values():
        for blamed, other in _clashes(rows):
            errors.append((blamed.ref, gettext("与该干部%(start)s至%(end)s的请假时间重叠。")
                           % {"start": f"{other.start:%Y-%m-%d}", "end": f"{other.end:%Y-%m-%d}"}))
    return errors


def leave_facts_of(leave, ref: Any = None) -> SpanFacts:
    return SpanFacts(ref=leave.pk if ref is None else ref, cadre=leave.cadre.id_number, cadre_name=leave.cadre.name,
                     start=leave.start, end=leave.end, stored=leave.pk is not None)


def check_leave(*, cadre: Cadre, start: date, end: date | None, exclude_pk: int | None = None, today: date | None = None) -> None:
    """Every rule of one leave row against the cadre's stored ones."""
    from django.utils import timezone

    others = Leave.objects.filter(cadre=cadre).exclude(pk=exclude_pk).select_related("cadre")
    this = SpanFacts(ref="new", cadre=cadre.id_number, cadre_name=cadre.name, start=start, end=end)
    errors = [m for ref, m in leave_errors([leave_facts_of(p) for p in others] + [this],
                                           today=today or timezone.localdate()) if ref == "new"]
    if errors:
        raise DomainError(list(dict.fromkeys(errors)))


@transaction.atomic
def record_leave(*, cadre: Cadre, start: date, end: date, reason: str = ""):
    """Record a cadre's approved leave (请假)."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)  # a cadre's leave rows queue here
    check_leave(cadre=cadre, start=start, end=end)
    # A leave lowers what the cadre is due: as a resident in the villages of their postings, and
    # as a pairing cadre in the villages of their households (docs/domain.md §11).
    freshness.touch_villages(Posting.objects.filter(cadre=cadre).values_list("village_id", flat=True))
    freshness.touch_villages(HouseholdPairing.objects.filter(cadre=cadre).values_list("household__village_id", flat=True))
    return Leave.objects.create(cadre=cadre, start=start, end=end, reason=reason)
