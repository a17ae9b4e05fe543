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
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when a duplicate review merged this record into another."),
    )

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


class MatchKey(models.Model):
    """One blocking key a person is filed under (see igor/people/blocking.py).

    The organisation and unit are repeated here so that a lookup of one key within a scope is a
    single index range, whatever the size of the register.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["key", "unit", "organisation", "person"], name="matchkey_lookup"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="matchkey_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.key[:2]}"


class MatchProfile(models.Model):
    """A person as the candidate lookup compares it (igor/people/profile.py): normalised, with
    keyed hashes for the fields the person row keeps encrypted. Written with the match keys;
    none for a merged person."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="match_profile"
    )
    data = models.TextField()

    def __str__(self) -> str:
        return f"profile {self.person_id}"


class MatchModelEstimate(models.Model):
    """m and u estimated from the register by `igor match_train`; the newest one is used."""

    estimated_at = models.DateTimeField(default=timezone.now)
    parameters = models.JSONField()
    random_pairs = models.PositiveIntegerField()
    candidate_pairs = models.PositiveIntegerField()

    class Meta:
        ordering = ["-estimated_at", "-id"]

    def __str__(self) -> str:
        return f"match model {self.estimated_at:%Y-%m-%d %H:%M}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


class DuplicatePair(models.Model):
    """Two persons of one organisation and unit that may be the same person, for review."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()
    match_class = models.CharField(max_length=10)
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-weight", "id"]
        indexes = [
            models.Index(fields=["organisation", "unit", "status", "weight"], name="dup_scope"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="dup_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="dup_pair_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DuplicateStatus.values), name="dup_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.match_class})"


class PersonMerge(models.Model):
    """A merge of `merged` into `survivor`: which parties moved, so that it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(DuplicatePair, on_delete=models.PROTECT, null=True, related_name="+")
    moved_party_ids = models.JSONField(default=list)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(survivor=models.F("merged")), name="merge_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class RepeatAlert(models.Model):
    """A person using violence who appears in a new case while known from earlier ones.

    It belongs to the new case's organisation and unit and is shown through that case's access.
    `earlier_case_ids` are the organisation's own earlier cases; `other_side` says that the other
    organisation of the unit holds earlier cases too (never which), so a basis can be asked for.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="repeat_alerts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, default="party")
    earlier_case_ids = models.JSONField(default=list)
    new_partner = models.BooleanField(default=False)
    other_side = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "unit", "created_at"], name="alert_scope")]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="alert_once_per_case_person"),
        ]

    def __str__(self) -> str:
        return f"repeat: {self.person_id} in {self.case_id}"
