"""The province's visit rules (docs/domain.md §6): editable rows of data, not code."""
from django.db import migrations

DEFAULTS = [
    # subject, visits, days, longest trip
    ("cadre", 4, 15, 31),  # "4 visits / 15 days" (docs/domain.md §6; seed 000, requirements 1 and 7)
    ("unit", 4, 30, 31),  # a unit's team: 4 visits, one month (docs/domain.md §6; seed 000 requirement 1, seed 001)
    ("resident", 0, 220, 366),  # a resident work-team member: 220 days in the village (002)
]


def add_defaults(apps, schema_editor):
    VisitPolicy = apps.get_model("visits", "VisitPolicy")
    for subject, visits, days, longest in DEFAULTS:
        if not VisitPolicy.objects.filter(area=None, year=None, subject=subject).exists():
            VisitPolicy.objects.create(area=None, area_prefix="", year=None, subject=subject, min_visits=visits,
                                       min_days=days, backdate_days=30, max_trip_days=longest)


def remove_defaults(apps, schema_editor):
    apps.get_model("visits", "VisitPolicy").objects.filter(area=None, year=None).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
