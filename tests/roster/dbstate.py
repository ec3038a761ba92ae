"""The roster's data as plain tuples (to compare before and after a round trip), and a way to
empty the roster tables while keeping what the migrations put in (the quota defaults)."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from households.models import Area, Household, IncomeRecord, Member, PoorAreaYear, VillageYear
from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing


def canonical_dump() -> dict[str, list[tuple]]:
    """Every roster model's key fields, keyed by natural keys (never database ids), sorted."""
    def rows(qs, *fields):
        return sorted(tuple("" if v is None else v for v in row) for row in qs.values_list(*fields))

    User = get_user_model()
    return {
        "areas": rows(Area.objects, "code", "name", "level", "parent_id"),
        "poor": rows(PoorAreaYear.objects, "area_id", "year", "kind"),
        "units": rows(Unit.objects, "code", "name", "level", "kind", "area_id", "leadership_size"),
        "cadres": rows(Cadre.objects, "id_number", "name", "unit__code", "rank", "category", "phone", "user__username"),
        "users": rows(User.objects.filter(cadre__isnull=False), "username", "first_name", "is_staff", "is_superuser"),
        "households": rows(
            Household.objects, "number", "village_id", "head_name", "head_id_number", "kind",
            "resident_population", "main_cause", "status", "exit_year",
        ),
        "members": rows(
            Member.objects, "id_number", "household__number", "name", "relation", "sex", "birth_date",
            "labour_ability", "health",
        ),
        "incomes": rows(
            IncomeRecord.objects, "household__number", "year", "resident_population", "total_income",
            *IncomeRecord.DEDUCTIONS, "net_income", "per_capita_income",
        ),
        "village_years": rows(
            VillageYear.objects, "village_id", "year", "households", "population", "poor_population",
            "per_capita_income", "collective_income", "committee_size",
        ),
        "village_pairings": rows(VillagePairing.objects, "unit__code", "village_id", "start", "end"),
        "household_pairings": rows(
            HouseholdPairing.objects, "cadre__id_number", "household__number", "start", "end", "end_reason",
            "successor__cadre__id_number", "successor__start",
        ),
    }


def empty_database() -> None:
    """Delete every roster row (and the cadres' accounts); the quota and visit policy defaults stay."""
    from assessments.models import AppraisalResult, Ballot, BallotCode, EvaluationRound, Tally
    from visits.models import UnitVisit, Visit

    for model in (Ballot, BallotCode, Tally, AppraisalResult, EvaluationRound):
        model.objects.all().delete()
    Visit.objects.all().delete()
    UnitVisit.objects.all().delete()
    HouseholdPairing.objects.update(successor=None)
    HouseholdPairing.objects.all().delete()
    VillagePairing.objects.all().delete()
    user_ids = list(Cadre.objects.exclude(user=None).values_list("user_id", flat=True))
    Cadre.objects.all().delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()
    Unit.objects.all().delete()
    IncomeRecord.objects.all().delete()
    Member.objects.all().delete()
    Household.objects.all().delete()
    PoorAreaYear.objects.all().delete()
    VillageYear.objects.all().delete()
    Area.objects.update(parent=None)
    Area.objects.all().delete()
