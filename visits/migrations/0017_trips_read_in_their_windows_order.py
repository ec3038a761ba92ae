"""Compliance reads each cadre's trips of the year in the order of its window, (start, end).

visit_by_cadre gains ``end`` at almost no cost in size (the date takes what was padding in the
index entry; 57 MB against 56 for a province's year): the year's trips then come from the index alone, in that order, without reading the
table and without a sort. A unit's trips already had such an index, the unique unit_visit_key
(unit, village, start, end); unit_visit_by_pairing, its first three columns, only cost each trip
stored one more entry, and goes.

On PostgreSQL the index is made on the partitioned table, which makes it on every year's
partition; the migration's transaction keeps the trips from being written meanwhile.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0016_visit_links_indexed_by_their_unique_pair'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='unitvisit',
            name='unit_visit_by_pairing',
        ),
        migrations.RemoveIndex(
            model_name='visit',
            name='visit_by_cadre',
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['cadre', 'start', 'end'], name='visit_by_cadre'),
        ),
    ]
