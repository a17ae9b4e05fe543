"""igor match_train: estimate the match weights (m and u) from the register."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from igor.people.actions import save_match_model
from igor.people.scoring import FIELDS, LEVELS
from igor.people.training import train


class Command(BaseCommand):
    help = "Estimate m (EM over blocked pairs) and u (random pairs) from the persons registered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sample", type=int, default=5000, help="persons to learn from")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        progress = tqdm(total=options["sample"], desc="pairs", unit=" persons", disable=quiet)
        model, random_pairs, candidate_pairs = train(
            options["sample"], options["seed"], progress.update
        )
        progress.close()
        save_match_model(
            actor=None,
            actor_label="igor match_train",
            model=model,
            random_pairs=random_pairs,
            candidate_pairs=candidate_pairs,
        )
        if not quiet:
            for name in FIELDS:
                weights = ", ".join(
                    f"{level} {model.weight(name, index):+.1f}"
                    for index, level in enumerate(LEVELS[name])
                )
                self.stdout.write(f"{name:<9} {weights}")
            self.stdout.write(f"from {random_pairs} random and {candidate_pairs} candidate pairs")
