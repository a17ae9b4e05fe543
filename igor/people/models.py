from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField
from igor.lib.fields import SortableTextField
from igor.lib.identity import IdentityKind, display


class Gender(models.TextChoices):
    NOT_STATED = "", _("Not stated")
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    SELF_DESCRIBED = "self_described", _("Described by the person")


class Protection(models.TextChoices):
    """Skatteverket's levels of protected personal data, and a staff marking."""

    NONE = "", _("None")
    SEKRETESSMARKERING = "sekretessmarkering", _("Confidentiality marking (sekretessmarkering)")
    SKYDDAD_FOLKBOKFORING = (
        "skyddad_folkbokforing",
        _("Protected registration (skyddad folkbokföring)"),
    )
    FINGERADE = "fingerade_personuppgifter", _("Fictitious identity (fingerade personuppgifter)")
    STAFF_MARKED = "staff_marked", _("Marked by staff (e.g. in sheltered housing)")


class Person(models.Model):
    """A person known to one organisation, which controls the row (ARCHITECTURE §1.1).

    Contact details are encrypted at rest and, for a protected person, shown only on an explicit,
    audited reveal by the owning organisation's staff (rule A5).
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="persons"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="persons")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    search_name = SortableTextField(max_length=201, editable=False)
    identity_kind = models.CharField(
        _("kind of identity number"),
        max_length=20,
        choices=IdentityKind.choices,
        default=IdentityKind.NONE,
    )
    identity_number = models.CharField(_("identity number"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, blank=True, default=""
    )
    gender_description = models.CharField(
        _("gender in the person's words"), max_length=100, blank=True
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=100, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    street_address = EncryptedTextField(_("street address"), blank=True)
    postal_code = EncryptedTextField(_("postal code"), blank=True)
    city = EncryptedTextField(_("city"), blank=True)
    protection = models.CharField(
        _("protected identity"), max_length=30, choices=Protection.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["search_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            # id last: the index then gives the search's exact order (name, id), so a page of a
            # common name stops after 26 rows instead of sorting every match (PostgreSQL).
            models.Index(
                fields=["organisation", "unit", "search_name", "id"], name="person_scope_name"
            ),
            models.Index(fields=["identity_number"], name="person_identity_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(identity_kind__in=IdentityKind.values),
                name="person_identity_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(identity_kind="none", identity_number="")
                | (~models.Q(identity_kind="none") & ~models.Q(identity_number="")),
                name="person_identity_number_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_protected(self) -> bool:
        return bool(self.protection)

    @property
    def identity_display(self) -> str:
        return display(self.identity_kind, self.identity_number)

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
