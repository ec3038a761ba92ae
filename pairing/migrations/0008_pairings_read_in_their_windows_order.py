"""Compliance reads a cadre's pairings in order of their start, from pairing_by_cadre: with
``end`` added to it, from the index alone, without reading the table (the window needs the
cadre, the start and the end, and nothing else).
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pairing', '0007_audit_trail_indexed_as_read'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='householdpairing',
            name='pairing_by_cadre',
        ),
        migrations.AddIndex(
            model_name='householdpairing',
            index=models.Index(fields=['cadre', 'start', 'end'], name='pairing_by_cadre'),
        ),
    ]
