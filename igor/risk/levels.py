"""Risk levels and their order: the one vocabulary every assessment, rule and measure speaks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


ORDER = {Level.LOW.value: 0, Level.MEDIUM.value: 1, Level.HIGH.value: 2}


def rank(level: str) -> int:
    return ORDER[level]


def highest(*levels: str | None) -> str | None:
    present = [level for level in levels if level]
    return max(present, key=rank) if present else None
