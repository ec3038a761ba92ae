"""The province's household quotas per cadre rank (docs/domain.md §4; seed 004); editable in the admin."""
from django.db import migrations

DEFAULTS = [
    ("provincial", 5, "省级领导联系5户，另联系2个贫困县、每县1个贫困村"),
    ("prefecture", 3, ""),
    ("county", 2, ""),
    ("section", 1, ""),
    ("other", 1, ""),
]


def add_defaults(apps, schema_editor):
    QuotaPolicy = apps.get_model("pairing", "QuotaPolicy")
    for rank, minimum, note in DEFAULTS:
        QuotaPolicy.objects.get_or_create(area=None, rank=rank, defaults={"min_households": minimum, "note": note, "area_prefix": ""})


def remove_defaults(apps, schema_editor):
    apps.get_model("pairing", "QuotaPolicy").objects.filter(area=None).delete()


class Migration(migrations.Migration):
    dependencies = [("pairing", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
