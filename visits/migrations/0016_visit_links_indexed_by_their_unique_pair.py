"""A trip's household links lose the lone index of their visit: the unique index of the pair
(visit, household) begins with the visit and serves every look-up by it, and the lone index
only cost each link stored one more entry (and, on the province, 41 MB a year).

Django keeps the links' table itself (the field's through model is made for it), so the index
is dropped by name, the name Django gave it on either database, and the state is left as it is.
"""
from django.db import migrations

TABLE, INDEX, COLUMN = "visits_visit_households", "visits_visit_households_visit_id_2a0b1b43", "visit_id"


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0015_trips_looked_up_by_composite_indexes'),
    ]

    operations = [
        migrations.RunSQL(f'DROP INDEX IF EXISTS "{INDEX}"', f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("{COLUMN}")'),
    ]
