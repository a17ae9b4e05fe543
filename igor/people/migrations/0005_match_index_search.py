"""The name-trigram index on PostgreSQL, and the match index for persons already registered."""

from django.db import migrations


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the sound-skeleton keys of the match index do this work
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_name_trgm ON people_person "
        "USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_name_trgm")


def index_existing(apps, schema_editor):
    # The index is derived data, built with the current code (as the demo loader does), which
    # also writes the match profiles of 0006: so it is built there, once their table exists.
    return


class Migration(migrations.Migration):
    dependencies = [("people", "0004_matching")]

    operations = [
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
