"""Cadres' visits, units' trips and residents' stays partitioned by year on PostgreSQL.

Every query that matters reads one year of trips (compliance, reports, the dashboard), so the
three tables become RANGE partitions on ``start``: one partition a year from 2010 to 2040 and a
DEFAULT partition for anything outside (see ``visits.partitions`` and the command
``partition_years`` to add years). On SQLite nothing changes.

A partitioned table's primary key and unique constraints must include the partition key, so:

- the database's primary key is (id, start); Django keeps ``id`` as its key, and ids stay
  unique because they come from one sequence (owned by the column: Django's sequence reset
  and flush keep working);
- a unique constraint that includes ``start`` (unit trips' and stays' natural keys) is kept as
  it is; the idempotency key of visits and stays, unique on its own, is kept unique by a small
  table ``<table>_idempotency_keys`` (key → id) that a trigger fills and empties, so of two
  racing submissions of one key the database still refuses the second (IntegrityError, as before);
  the key column keeps a plain index for the look-up;
- no foreign key may point at a partitioned table without ``start``: migration 0010 removed
  them (``db_constraint=False``), Django does the cascades.

The conversion works on a populated table: a new partitioned table is created beside it, the
rows are copied (INSERT … SELECT), the old table dropped, the sequence set past the largest id,
and the indexes, checks and outgoing foreign keys recreated under their old names. It holds an
ACCESS EXCLUSIVE lock on the table for the copy (≈1 min for 3.8 M visits here). The reverse
turns the table back into a plain one.
"""
from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2010, 2040
# table → columns unique on their own (kept by a keys table)
TABLES = {"visits_visit": ["idempotency_key"], "visits_unitvisit": [], "visits_stay": ["idempotency_key"]}


def qn(name: str) -> str:
    return '"%s"' % name


def _fetch(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _is_partitioned(cursor, table: str) -> bool:
    return _fetch(cursor, "SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])[0][0] == "p"


def _shape(cursor, table: str):
    """The table's constraints (name, type, definition, columns) and its other indexes' definitions."""
    constraints = _fetch(cursor, """
        SELECT c.conname, c.contype, pg_get_constraintdef(c.oid),
               ARRAY(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a
                     ON a.attrelid = c.conrelid AND a.attnum = k)
        FROM pg_constraint c WHERE c.conrelid = %s::regclass ORDER BY c.conname""", [table])
    indexes = _fetch(cursor, """
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
        ORDER BY i.indexrelid::regclass::text""", [table])
    return constraints, [row[0] for row in indexes]


def _key_trigger(cursor, table: str, column: str) -> None:
    # The name visits.partitions.key_table reads the keys by: keep the two in step.
    keys, function = f"{table}_{column}s", f"{table}_{column}s_sync"
    cursor.execute(f"CREATE TABLE {qn(keys)} ({qn(column)} uuid PRIMARY KEY, id bigint NOT NULL)")
    cursor.execute(f"INSERT INTO {qn(keys)} SELECT {qn(column)}, id FROM {qn(table)} WHERE {qn(column)} IS NOT NULL")
    cursor.execute(f"""
        CREATE FUNCTION {qn(function)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {qn(keys)};
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.{qn(column)} IS NOT NULL THEN
                DELETE FROM {qn(keys)} WHERE {qn(column)} = OLD.{qn(column)} AND id = OLD.id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.{qn(column)} IS NOT NULL THEN
                INSERT INTO {qn(keys)} ({qn(column)}, id) VALUES (NEW.{qn(column)}, NEW.id);
            END IF;
            RETURN NULL;
        END $$""")
    cursor.execute(f"CREATE TRIGGER {qn(function + '_insert')} AFTER INSERT ON {qn(table)} FOR EACH ROW "
                   f"WHEN (NEW.{qn(column)} IS NOT NULL) EXECUTE FUNCTION {qn(function)}()")
    cursor.execute(f"CREATE TRIGGER {qn(function + '_update')} AFTER UPDATE OF {qn(column)}, id ON {qn(table)} FOR EACH ROW "
                   f"WHEN (OLD.{qn(column)} IS DISTINCT FROM NEW.{qn(column)} OR OLD.id <> NEW.id) "
                   f"EXECUTE FUNCTION {qn(function)}()")
    cursor.execute(f"CREATE TRIGGER {qn(function + '_delete')} AFTER DELETE ON {qn(table)} FOR EACH ROW "
                   f"WHEN (OLD.{qn(column)} IS NOT NULL) EXECUTE FUNCTION {qn(function)}()")
    cursor.execute(f"CREATE TRIGGER {qn(function + '_truncate')} AFTER TRUNCATE ON {qn(table)} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION {qn(function)}()")
    cursor.execute(f"CREATE INDEX {qn(f'{table}_{column}_lookup')} ON {qn(table)} ({qn(column)})")


def partition(cursor, table: str, own_keys: list[str]) -> None:
    if _is_partitioned(cursor, table):
        return
    pointing = _fetch(cursor, "SELECT conname, conrelid::regclass::text FROM pg_constraint "
                              "WHERE contype = 'f' AND confrelid = %s::regclass", [table])
    if pointing:
        raise RuntimeError(f"{table} cannot be partitioned while foreign keys point at it: {pointing}")
    cursor.execute(f"LOCK TABLE {qn(table)} IN ACCESS EXCLUSIVE MODE")
    constraints, indexes = _shape(cursor, table)
    old = f"{table}_unpartitioned"
    cursor.execute(f"ALTER TABLE {qn(table)} RENAME TO {qn(old)}")
    cursor.execute(f'CREATE TABLE {qn(table)} (LIKE {qn(old)} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS) '
                   f'PARTITION BY RANGE ("start")')
    sequence = f"{table}_id_partitioned_seq"
    cursor.execute(f"CREATE SEQUENCE {qn(sequence)} OWNED BY {qn(table)}.id")
    cursor.execute(f"ALTER TABLE {qn(table)} ALTER COLUMN id SET DEFAULT nextval('{sequence}'::regclass)")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        cursor.execute(f"CREATE TABLE {qn(f'{table}_y{year}')} PARTITION OF {qn(table)} "
                       f"FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')")
    cursor.execute(f"CREATE TABLE {qn(f'{table}_default')} PARTITION OF {qn(table)} DEFAULT")
    cursor.execute(f"INSERT INTO {qn(table)} SELECT * FROM {qn(old)}")
    cursor.execute(f"DROP TABLE {qn(old)}")
    cursor.execute(f"ALTER SEQUENCE {qn(sequence)} RENAME TO {qn(f'{table}_id_seq')}")
    cursor.execute(f"SELECT setval('{table}_id_seq', COALESCE(MAX(id), 0) + 1, false) FROM {qn(table)}")
    for name, kind, definition, columns in constraints:
        if kind == "p":
            cursor.execute(f'ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} PRIMARY KEY (id, "start")')
        elif kind == "u" and "start" not in columns:
            if columns not in ([c] for c in own_keys):
                raise RuntimeError(f"{table}: unique constraint {name} on {columns} cannot hold on a partitioned table")
        else:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    for definition in indexes:
        cursor.execute(definition)
    for column in own_keys:
        _key_trigger(cursor, table, column)
    cursor.execute(f"ANALYZE {qn(table)}")


def unpartition(cursor, table: str, own_keys: list[str]) -> None:
    if not _is_partitioned(cursor, table):
        return
    cursor.execute(f"LOCK TABLE {qn(table)} IN ACCESS EXCLUSIVE MODE")
    constraints, indexes = _shape(cursor, table)
    for column in own_keys:
        function = f"{table}_{column}s_sync"
        cursor.execute(f"DROP TABLE {qn(f'{table}_{column}s')}")
        cursor.execute(f"DROP FUNCTION {qn(function)}() CASCADE")
        indexes = [d for d in indexes if f"{table}_{column}_lookup" not in d]
    old = f"{table}_partitioned"
    cursor.execute(f"ALTER TABLE {qn(table)} RENAME TO {qn(old)}")
    cursor.execute(f"ALTER TABLE {qn(old)} ALTER COLUMN id DROP DEFAULT")
    cursor.execute(f"CREATE TABLE {qn(table)} (LIKE {qn(old)} INCLUDING STORAGE INCLUDING COMMENTS)")
    cursor.execute(f"INSERT INTO {qn(table)} SELECT * FROM {qn(old)}")
    cursor.execute(f"DROP TABLE {qn(old)}")  # its partitions and sequence with it
    cursor.execute(f"ALTER TABLE {qn(table)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                   f"FROM {qn(table)}")
    for name, kind, definition, _columns in constraints:
        if kind == "p":
            definition = "PRIMARY KEY (id)"
        cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
    for column in own_keys:
        cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(f'{table}_{column}_key')} UNIQUE ({qn(column)})")
    for definition in indexes:
        cursor.execute(definition.replace("ON ONLY ", "ON "))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, own_keys in TABLES.items():
            partition(cursor, table, own_keys)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, own_keys in TABLES.items():
            unpartition(cursor, table, own_keys)


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0010_visit_links_without_database_keys"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
