"""The name-trigram index on PostgreSQL, made usable.

0005 indexed the column itself; `search_name` is a varchar, so every trigram query compares
`search_name::text`, which that index does not serve (the planner read the whole table). The
index is now on that expression.
"""

from django.db import migrations


def on_text(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_name_trgm")
    schema_editor.execute(
        "CREATE INDEX person_search_name_trgm ON people_person "
        "USING gin ((search_name::text) gin_trgm_ops)"
    )


def on_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_name_trgm")
    schema_editor.execute(
        "CREATE INDEX person_search_name_trgm ON people_person "
        "USING gin (search_name gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0006_match_profile")]

    operations = [migrations.RunPython(on_text, on_column)]
