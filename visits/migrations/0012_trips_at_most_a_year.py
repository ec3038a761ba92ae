"""A cadre's visit lasts at most a year (visits.models.LONGEST_TRIP_DAYS, docs/domain.md §6).
On PostgreSQL the constraint is added to the partitioned table and holds in every year's
partition; a stored visit longer than that stops the migration, to be corrected first."""
import datetime
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0007_households_by_area_and_number'),
        ('pairing', '0006_resident_teams_and_leave'),
        ('visits', '0011_partition_trips_by_year'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', django.db.models.expressions.CombinedExpression(models.F('start'), '+', models.Value(datetime.timedelta(days=365))))), name='visit_at_most_a_year'),
        ),
    ]
