"""igor dedupe: look for duplicate persons within each organisation and unit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from igor.people.actions import store_duplicate_pairs
from igor.people.csvio import write_atomically
from igor.people.linkage import clusters
from igor.people.matching import duplicate_pairs
from igor.people.models import MatchKey, Person
from igor.people.reasons import summary
from igor.people.scoring import MatchResult


class Command(BaseCommand):
    help = (
        "Find persons of one organisation and unit who may be the same person; keep the pairs "
        "for review on the duplicates page and write the clusters to a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, help="organisation id (default: all)")
        parser.add_argument("--unit", type=int, help="unit id (default: all)")
        parser.add_argument("--out", default="", help="CSV file of clusters to write")
        parser.add_argument("--dry-run", action="store_true", help="store nothing for review")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        scopes = MatchKey.objects.values_list("organisation_id", "unit_id").distinct()
        if options["organisation"]:
            scopes = scopes.filter(organisation_id=options["organisation"])
        if options["unit"]:
            scopes = scopes.filter(unit_id=options["unit"])
        chosen = sorted(set(scopes))
        if not chosen and (options["organisation"] or options["unit"]):
            raise CommandError("No persons in that organisation and unit.")
        rows: list[list[str]] = []
        for organisation_id, unit_id in chosen:
            progress = tqdm(desc=f"pairs in {organisation_id}/{unit_id}", disable=quiet)
            found = list(duplicate_pairs(organisation_id, unit_id, progress=progress.update))
            progress.close()
            if not options["dry_run"]:
                store_duplicate_pairs(
                    actor=None,
                    actor_label="igor dedupe",
                    organisation_id=organisation_id,
                    unit_id=unit_id,
                    found=found,
                )
            groups = clusters((first.pk, second.pk) for first, second, _ in found)
            best: dict[int, tuple[Person, MatchResult]] = {}
            for first, second, result in found:
                for person in (first, second):
                    best.setdefault(person.pk, (person, result))
            for person_id, group in sorted(groups.items(), key=lambda item: (item[1], item[0])):
                person, result = best[person_id]
                rows.append(
                    [
                        str(organisation_id),
                        str(unit_id),
                        str(group),
                        str(person_id),
                        person.full_name,
                        result.match_class,
                        summary(result),
                    ]
                )
            if not quiet:
                self.stdout.write(
                    f"organisation {organisation_id}, unit {unit_id}: {len(found)} pairs, "
                    f"{len(set(groups.values()))} clusters"
                )
        if options["out"]:
            header = ["organisation", "unit", "cluster", "person", "name", "class", "reasons"]
            write_atomically(options["out"], iter(rows), header)
