"""Whether a trip was made while paired (docs/domain.md §6): a cadre's households and a unit's
village must have been paired with them for the whole trip.

The pairings are read as spans, (start, end or None: still in force), keyed the way the roster
names them, so that a phone entry, the admin and a roster import (which adds the spans of its
own file) ask one rule, ``spans_cover``, of the same facts.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from households.models import Household
from pairing.models import Cadre, HouseholdPairing, VillagePairing
from pairing.selectors import in_force
from shuanglian.helpers import in_batches

Span = tuple[date, date | None]


def spans_cover(spans: Iterable[Span], start: date, end: date) -> bool:
    """One of the pairing spans holds for the whole trip."""
    return any(s <= start and (e is None or e >= end) for s, e in spans)


def household_spans(*, cadre_ids: Iterable[int], households: Iterable[Household] | None = None,
                    ) -> defaultdict[tuple[str, str], list[Span]]:
    """The spans of the cadres' household pairings by (cadre ID number, household number),
    optionally only with some households: a few queries whatever the number of cadres."""
    pairings = HouseholdPairing.objects.all() if households is None else HouseholdPairing.objects.filter(
        household__in=households)
    return _spans(pairings, "cadre_id", cadre_ids, ("cadre__id_number", "household__number"))


def village_spans(*, unit_ids: Iterable[int], village: str | None = None,
                  ) -> defaultdict[tuple[str, str], list[Span]]:
    """The spans of the units' village pairings by (unit code, village code), optionally only
    with one village."""
    pairings = VillagePairing.objects.all() if village is None else VillagePairing.objects.filter(village_id=village)
    return _spans(pairings, "unit_id", unit_ids, ("unit__code", "village_id"))


def _spans(pairings, owner: str, owner_ids: Iterable[int], key: tuple[str, str]) -> defaultdict[tuple, list[Span]]:
    spans: defaultdict[tuple, list[Span]] = defaultdict(list)
    for batch in in_batches(owner_ids):
        for first, second, start, end in pairings.filter(**{f"{owner}__in": batch}).values_list(*key, "start", "end"):
            spans[(first, second)].append((start, end))
    return spans


def paired_on(*, cadre: Cadre, household: Household, on: date) -> bool:
    """The household is the cadre's on that day (a demand or a deed is recorded for the day)."""
    return HouseholdPairing.objects.filter(in_force(on), cadre=cadre, household=household).exists()
