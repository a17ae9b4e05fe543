"""Match keys of a building with one of the names, written for the persons already registered."""

from django.db import migrations


def index_existing(apps, schema_editor):
    # Derived data, written with the current code like 0006 (whose note on later changes to the
    # person table applies here too): every person is filed afresh, the new keys included.
    from igor.people.matching import rebuild_index

    rebuild_index()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_trigram_index_on_text"),
    ]

    operations = [
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
