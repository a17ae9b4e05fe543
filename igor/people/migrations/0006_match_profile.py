"""Match profiles beside the match keys, written for the persons already registered."""

import django.db.models.deletion
from django.db import migrations, models


def profile_existing(apps, schema_editor):
    # Derived data: the match keys and profiles of every person, written with the current code
    # (as the demo loader does). Should a later migration change the person table, this call
    # moves to that migration, after the change, since the current code expects it.
    from igor.people.matching import rebuild_index

    rebuild_index()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_match_index_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchProfile",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="match_profile",
                        serialize=False,
                        to="people.person",
                    ),
                ),
                ("data", models.TextField()),
            ],
        ),
        migrations.RunPython(profile_existing, migrations.RunPython.noop),
    ]
