"""A cadre's visit lasts at most a year (visits.models.LONGEST_TRIP_DAYS, docs/domain.md §6).
On PostgreSQL the constraint is added to the partitioned table and holds in every year's
partition; a stored visit longer than that stops the migration, to be corrected first."""
import datetime

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('visits', '0011_partition_trips_by_year')]

    operations = [
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', django.db.models.expressions.CombinedExpression(models.F('start'), '+', models.Value(datetime.timedelta(days=365))))), name='visit_at_most_a_year'),
        ),
    ]
