"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on the append-only tables.

Triggers stop the application and anyone who does not own the database; the hash chain catches
what an owner might still do. SQLite has no such roles, so there the chain alone guards.
"""

from django.db import migrations

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_disclosure", "cases_journalentry")

FUNCTION = """
CREATE OR REPLACE FUNCTION igor_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'IGOR: % on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION igor_refuse_change();"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION igor_refuse_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS igor_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
