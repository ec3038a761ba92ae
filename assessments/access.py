"""Which evaluation rounds, tallies, codes, ballots and results a scope sees
(``shuanglian.scoping`` explains scopes)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from households.models import Area
from pairing.access import visible_cadres, visible_units
from pairing.models import HouseholdPairing, VillagePairing
from shuanglian.helpers import pad_area_code
from shuanglian.scoping import narrow

from .models import AppraisalResult, Ballot, BallotCode, EvaluationRound, Tally


def visible_evaluation_rounds(user_or_scope) -> QuerySet[EvaluationRound]:
    """Rounds over the user's area, below it or above it (a county office works in the
    province's round); the figures inside a round are narrowed to the scope by the selectors."""

    def around(prefix):
        above = Area.lineage(pad_area_code(prefix))[:-1]
        return Q(area__code__startswith=prefix) | Q(area_id__in=above)

    def covering(villages):
        codes = set()
        for code in villages:
            codes.update(Area.lineage(code))
        return Q(area_id__in=sorted(codes))

    return narrow(
        EvaluationRound.objects.all(), user_or_scope, area=around,
        # A unit or a cadre sees the rounds over the villages it works in.
        unit=lambda unit: covering(set(VillagePairing.objects.filter(unit_id=unit).values_list("village_id", flat=True))
                                   | set(HouseholdPairing.objects.filter(cadre__unit_id=unit)
                                         .values_list("household__village_id", flat=True))),
        cadre=lambda cadre: covering(set(HouseholdPairing.objects.filter(cadre_id=cadre)
                                         .values_list("household__village_id", flat=True))),
    )


def _about_visible_targets(model, user_or_scope):
    """Tallies, codes, ballots and results: those about a unit or a cadre the scope sees."""
    return model.objects.filter(Q(unit__in=visible_units(user_or_scope)) | Q(cadre__in=visible_cadres(user_or_scope)))


def visible_tallies(user_or_scope) -> QuerySet[Tally]:
    return _about_visible_targets(Tally, user_or_scope)


def visible_ballot_codes(user_or_scope) -> QuerySet[BallotCode]:
    return _about_visible_targets(BallotCode, user_or_scope)


def visible_ballots(user_or_scope) -> QuerySet[Ballot]:
    return _about_visible_targets(Ballot, user_or_scope)


def visible_appraisal_results(user_or_scope) -> QuerySet[AppraisalResult]:
    return _about_visible_targets(AppraisalResult, user_or_scope)
