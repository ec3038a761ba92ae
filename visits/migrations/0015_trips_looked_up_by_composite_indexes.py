"""The trips' key columns lose their lone indexes: visit_by_cadre (cadre, start), stay_by_cadre
(cadre, start) and unit_visit_by_pairing (unit, village, start) serve every look-up by a cadre or
a unit, and the lone index only cost each trip stored one more entry.

Only the indexes are dropped. Altering the fields through the schema editor would also drop and
add again their foreign keys, which PostgreSQL then checks against every trip of every year
partition while it holds the tables."""
import django.db.models.deletion
from django.db import migrations, models

INDEXES = {  # table: (index, column)
    "visits_visit": ("visits_visit_cadre_id_cb7f11a2", "cadre_id"),
    "visits_stay": ("visits_stay_cadre_id_f8673eef", "cadre_id"),
    "visits_unitvisit": ("visits_unitvisit_unit_id_e6b96326", "unit_id"),
}


class Migration(migrations.Migration):

    dependencies = [
        ('pairing', '0007_audit_trail_indexed_as_read'),
        ('visits', '0014_audit_trail_indexed_as_read'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX "{index}" ON "{table}" ("{column}")')
                for table, (index, column) in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='stay',
                    name='cadre',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='stays', to='pairing.cadre', verbose_name='驻村干部'),
                ),
                migrations.AlterField(
                    model_name='unitvisit',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='pairing.unit', verbose_name='联村单位'),
                ),
                migrations.AlterField(
                    model_name='visit',
                    name='cadre',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='pairing.cadre', verbose_name='联户干部'),
                ),
            ],
        ),
    ]
