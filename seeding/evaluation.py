"""The demo county's evaluations: last year's round, closed, with paper tallies and web ballots,
and this year's round open with its slips printed, so both sides can be tried at once."""
from __future__ import annotations

import random
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from assessments.models import BallotCode, Direction, EvaluationRound, Level
from assessments.services import ballot_limits, cast_ballot, close_round, issue_codes, record_tally

UNKNOWN_TEAM = 5
COMMENTS = ["干部经常来家里，帮了大忙", "希望多帮助联系销路", "政策讲得很清楚", "来得少，希望多走访", ""]


def seed_evaluation(county) -> None:
    today = timezone.localdate()
    last = today.year - 1
    if EvaluationRound.objects.filter(year=last, area=county).exists():
        return
    rnd = random.Random(14)
    closed = EvaluationRound.objects.create(year=last, area=county, opens=date(last, 12, 1), closes=date(last, 12, 31))
    for direction in Direction.values:
        issue_codes(rnd=closed, direction=direction)
    # About half of the households and villages voted on their phones, mostly satisfied.
    weights = {Level.SATISFIED: 7, Level.BASIC: 2, Level.UNSATISFIED: 1}
    for code in BallotCode.objects.filter(round=closed).order_by("pk"):
        if rnd.random() < 0.5:
            level = rnd.choices(list(weights), weights=list(weights.values()))[0]
            cast_ballot(code=code.code, level=level, comment=rnd.choice(COMMENTS), today=date(last, 12, 10))
    # The rest voted on paper: the office enters the tallies of what was left.
    cast = _cast_counts(closed)
    for direction in Direction.values:
        by_unit = direction in (Direction.VILLAGE_ON_UNIT, Direction.CADRE_ON_LEADERSHIP)
        targets = BallotCode.objects.filter(round=closed, direction=direction).values_list(
            "unit_id" if by_unit else "cadre_id", flat=True).distinct()
        limits = ballot_limits(last, direction, **{"units" if by_unit else "cadres": list(targets)})
        for target_id, limit in sorted(limits.items()):
            # A team of unknown size voted as a typical one would (docs/domain.md §7: 5–9 members).
            left = (UNKNOWN_TEAM if limit is None else limit) - cast.get((direction, target_id), 0)
            if left <= 0:
                continue
            unsatisfied = 1 if left > 2 and rnd.random() < 0.3 else 0
            basic = rnd.randint(0, left - unsatisfied)
            target = _target(by_unit, target_id)
            record_tally(rnd=closed, direction=direction, target=target, satisfied=left - unsatisfied - basic,
                         basic=basic, unsatisfied=unsatisfied)
    close_round(rnd=closed)
    current = EvaluationRound.objects.create(year=today.year, area=county, opens=today - timedelta(days=7),
                                             closes=today + timedelta(days=30))
    issue_codes(rnd=current, direction=Direction.HOUSEHOLD_ON_CADRE)


def _cast_counts(rnd) -> dict:
    rows = (BallotCode.objects.filter(round=rnd, spent=True).values("direction", "unit_id", "cadre_id")
            .annotate(n=Count("pk")).values_list("direction", "unit_id", "cadre_id", "n"))
    return {(direction, unit_id or cadre_id): n for direction, unit_id, cadre_id, n in rows}


def _target(by_unit: bool, pk: int):
    from pairing.models import Cadre, Unit

    return Unit.objects.get(pk=pk) if by_unit else Cadre.objects.get(pk=pk)
