"""Swedish identity numbers, normalised to 12 digits with century.

The checksum and date rules come from django-localflavor; this module only chooses which kind is
allowed and derives the birth date.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEPersonalIdentityNumberField


class IdentityKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personal identity number")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Coordination number")
    RESERVNUMMER = "reservnummer", _("Reserve number")
    NONE = "none", _("No identity number")


_RESERVE = re.compile(r"^[A-Z0-9]{4,20}$")


class InvalidIdentityNumber(ValueError):
    pass


def normalise(kind: str, raw: str) -> str:
    """The stored form of an identity number, or InvalidIdentityNumber with a message."""
    value = (raw or "").strip().replace(" ", "")
    if kind == IdentityKind.NONE:
        if value:
            raise InvalidIdentityNumber(_("Leave the number empty when there is none."))
        return ""
    if not value:
        raise InvalidIdentityNumber(_("Enter the number."))
    if kind == IdentityKind.RESERVNUMMER:
        value = value.replace("-", "").upper()
        if not _RESERVE.match(value):
            raise InvalidIdentityNumber(
                _("A reserve number is 4–20 letters and digits, as issued locally.")
            )
        return value
    field = SEPersonalIdentityNumberField(coordination_number=True)
    try:
        cleaned = str(field.clean(value))
    except forms.ValidationError as exc:
        raise InvalidIdentityNumber(
            _("Enter a valid number as YYYYMMDD-NNNN (the check digit or date is wrong).")
        ) from exc
    is_coordination = int(cleaned[6:8]) > 60
    if kind == IdentityKind.PERSONNUMMER and is_coordination:
        raise InvalidIdentityNumber(_("This is a coordination number; choose that kind."))
    if kind == IdentityKind.SAMORDNINGSNUMMER and not is_coordination:
        raise InvalidIdentityNumber(_("A coordination number has 60 added to the day of birth."))
    return cleaned


def birth_date(kind: str, number: str) -> datetime.date | None:
    if kind not in (IdentityKind.PERSONNUMMER, IdentityKind.SAMORDNINGSNUMMER) or len(number) != 12:
        return None
    day = int(number[6:8])
    return datetime.date(int(number[:4]), int(number[4:6]), day - 60 if day > 60 else day)


def display(kind: str, number: str) -> str:
    if kind in (IdentityKind.PERSONNUMMER, IdentityKind.SAMORDNINGSNUMMER) and len(number) == 12:
        return f"{number[:8]}-{number[8:]}"
    return number


def normalise_name(text: str) -> str:
    """Lower-case, accent-folded form for prefix search (å, ä, ö are kept: they are letters)."""
    return " ".join(text.casefold().split())
