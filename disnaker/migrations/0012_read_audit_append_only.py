"""On PostgreSQL the read audit refuses UPDATE and DELETE, whoever connects; only the retention purge
(``disnaker.readaudit.accesses_purge``) deletes, inside a transaction that sets
``disnaker.read_audit_purge``. Other databases (SQLite in development) rely on the model's guard."""

from django.db import migrations

TABLES = ("disnaker_dataaccess", "disnaker_dataaccesssubject")

FUNCTION = """
CREATE OR REPLACE FUNCTION disnaker_read_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('disnaker.read_audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the read audit (%) is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the body holds "%" placeholders of RAISE
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION disnaker_read_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS disnaker_read_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("disnaker", "0011_read_audit")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
