from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.sharing.grounds import StatutoryGround


class BasisKind(models.TextChoices):
    CONSENT = "consent", _("Consent")
    STATUTORY = "statutory", _("Statutory basis")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral, documented")


class SharingBasisQuerySet(models.QuerySet["SharingBasis"]):
    def active_at(self, moment: datetime.datetime) -> SharingBasisQuerySet:
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=moment),
            valid_from__lte=moment,
            withdrawn_at__isnull=True,
        )


class SharingBasis(models.Model):
    """What lets one organisation see another's rows about one person (rule A2).

    Scope: the person it is about, optionally one case, the categories covered, from the
    controlling organisation to one recipient organisation within one unit, for a period.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=BasisKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("disclosing organisation"),
        on_delete=models.PROTECT,
        related_name="bases_given",
    )
    recipient = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="bases_received",
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        "people.Person",
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        related_name="sharing_bases",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("only this case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_bases",
    )
    covers_person = models.BooleanField(_("personal details"), default=True)
    covers_cases = models.BooleanField(_("cases"), default=False)
    covers_incidents = models.BooleanField(_("incidents"), default=False)
    covers_journal = models.BooleanField(_("journal"), default=False)
    purpose = models.CharField(_("purpose"), max_length=300)
    consent_form = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentForm.choices, blank=True
    )
    ground = models.CharField(
        _("statutory ground"), max_length=20, choices=StatutoryGround.choices, blank=True
    )
    conditions = models.JSONField(_("conditions confirmed"), default=dict, blank=True)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = SharingBasisQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("sharing basis")
        verbose_name_plural = _("sharing bases")
        indexes = [
            models.Index(fields=["recipient", "unit", "withdrawn_at"], name="basis_recipient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("recipient")),
                name="basis_crosses_the_wall",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="consent", ground="")
                | (models.Q(kind="statutory") & ~models.Q(ground="")),
                name="basis_ground_only_when_statutory",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="basis_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        if self.kind == BasisKind.STATUTORY:
            return f"{self.get_kind_display()}: {self.ground} (#{self.pk})"
        return f"{self.get_kind_display()} (#{self.pk})"

    def is_active_at(self, moment: datetime.datetime) -> bool:
        return (
            self.withdrawn_at is None
            and self.valid_from <= moment
            and (self.valid_until is None or self.valid_until > moment)
        )


class BreakGlassGrant(models.Model):
    """Emergency access to one row outside rules A1–A2, with a stated reason (rule A7).

    Every grant is flagged for log review and expires on its own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=20)  # "person" or "case"
    object_id = models.BigIntegerField()
    reason = models.TextField(_("reason"), max_length=2000)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.object_type}:{self.object_id}"
