"""The function a trip's write calls on PostgreSQL to find the cadre's other trips sharing a
day with it (``visits.services.anomalies``), in the write's own statement.

It first takes a lock of the cadre for the rest of the transaction, and its query then reads
with a snapshot of its own (a volatile function's): of two trips of one cadre written at once,
the second waits for the first to commit and sees it, so an overlap is flagged even when the
two race, without a statement after the write to look for it.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION visits_trips_sharing_a_day(trip bigint, trip_cadre bigint, first_day date, last_day date,
                                                      earliest date)
RETURNS TABLE (other bigint, shared_from date)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('visits.trips_of_cadre', trip_cadre));
    RETURN QUERY
        SELECT o.id, GREATEST(o."start", first_day) FROM visits_visit o
        WHERE o.cadre_id = trip_cadre AND o.id <> trip AND o."start" <= last_day AND o."end" >= first_day
          AND o."start" >= earliest;
END
$fn$
"""

DROP = "DROP FUNCTION IF EXISTS visits_trips_sharing_a_day(bigint, bigint, date, date, date)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0012_trips_at_most_a_year"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
