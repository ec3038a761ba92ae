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
    spans: defaultdict[tuple[str, str], list[Span]] = defaultdict(list)
    for batch in in_batches(cadre_ids):
        pairings = HouseholdPairing.objects.filter(cadre_id__in=batch)
        if households is not None:
            pairings = pairings.filter(household__in=households)
        for idn, number, start, end in pairings.values_list("cadre__id_number", "household__number", "start", "end"):
            spans[(idn, number)].append((start, end))
    return spans


def village_spans(*, unit_ids: Iterable[int], village: str | None = None,
                  ) -> defaultdict[tuple[str, str], list[Span]]:
    """The spans of the units' village pairings by (unit code, village code), optionally only
    with one village."""
    spans: defaultdict[tuple[str, str], list[Span]] = defaultdict(list)
    for batch in in_batches(unit_ids):
        pairings = VillagePairing.objects.filter(unit_id__in=batch)
        if village is not None:
            pairings = pairings.filter(village_id=village)
        for code, village_code, start, end in pairings.values_list("unit__code", "village_id", "start", "end"):
            spans[(code, village_code)].append((start, end))
    return spans


def paired_on(*, cadre: Cadre, household: Household, on: date) -> bool:
    """The household is the cadre's on that day (a demand or a deed is recorded for the day)."""
    return HouseholdPairing.objects.filter(in_force(on), cadre=cadre, household=household).exists()
