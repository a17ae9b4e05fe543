from __future__ import annotations

import datetime
from typing import cast

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField
from igor.sharing.categories import CATEGORIES, FIELDS, PERSON


class BasisKind(models.TextChoices):
    CONSENT = "consent", _("Consent")
    STATUTORY = "statutory", _("Statutory basis")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written, signed form")
    ORAL = "oral", _("Oral, with a witness")


class GivenBy(models.TextChoices):
    """Who gave the consent: the person, or for a child a guardian or the child as the law
    allows (a child of sufficient age and maturity decides over their own secrecy)."""

    SUBJECT = "subject", _("The person themself")
    GUARDIAN = "guardian", _("A guardian of the child")
    CHILD = "child", _("The child, old and mature enough")


class Approval(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class EndReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NARROWED = "narrowed", _("Replaced by a narrower scope")
    PURPOSE_CHANGED = "purpose_changed", _("Replaced: the purpose changed")


# Bases that may be in force: those that need no approval and those approved.
IN_FORCE = (Approval.NOT_NEEDED, Approval.APPROVED)


class SharingBasisQuerySet(models.QuerySet["SharingBasis"]):
    def active_at(self, moment: datetime.datetime) -> SharingBasisQuerySet:
        return self.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=moment),
            valid_from__lte=moment,
            withdrawn_at__isnull=True,
            approval__in=IN_FORCE,
        )


def _category_constraints() -> list[models.CheckConstraint]:
    """From the list of categories: at least one covered, and each with the one it requires."""
    some = models.Q()
    for name in FIELDS:
        some |= models.Q(**{name: True})
    constraints = [models.CheckConstraint(condition=some, name="basis_covers_something")]
    for category in CATEGORIES:
        if category.requires:
            required = f"covers_{category.requires}"
            constraints.append(
                models.CheckConstraint(
                    condition=models.Q(**{category.field: False}) | models.Q(**{required: True}),
                    name=f"basis_{category.key}_needs_{category.requires}",
                )
            )
    return constraints


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
    # One boolean column `covers_<key>` per category is added below from igor/sharing/categories.py.
    purpose = models.CharField(_("purpose"), max_length=300)
    consent_form = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentForm.choices, blank=True
    )
    given_by = models.CharField(
        _("consent given by"), max_length=10, choices=GivenBy.choices, blank=True
    )
    given_by_name = models.CharField(_("name of the guardian"), max_length=200, blank=True)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    both_ways = models.BooleanField(
        _("the person consented to sharing in both directions"), default=False
    )
    # The list of grounds is configuration (grounds.toml), so no choices here: the actions check.
    ground = models.CharField(_("statutory ground"), max_length=20, blank=True)
    conditions = models.JSONField(_("conditions confirmed"), default=dict, blank=True)
    # The fields the ground's conditions require (offence, justification, …), as JSON, encrypted.
    details = EncryptedTextField(_("details"), blank=True)
    approval = models.CharField(
        _("approval"), max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    # A consent given in both directions is two bases, one per direction, recorded, narrowed and
    # ended together: the second (about the other agency's record of the same person) names the
    # first here. See igor.sharing.actions.record_consent for why.
    mirror_of = models.OneToOneField(
        "self",
        verbose_name=_("the same consent in the other direction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mirror",
    )
    ended_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
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
            models.CheckConstraint(
                condition=models.Q(kind="statutory", consent_form="", given_by="")
                | (models.Q(kind="consent") & ~models.Q(consent_form="") & ~models.Q(given_by="")),
                name="basis_consent_says_how_and_by_whom",
            ),
            models.CheckConstraint(
                condition=~models.Q(consent_form="oral") | ~models.Q(witness=""),
                name="basis_oral_consent_has_witness",
            ),
            models.CheckConstraint(
                condition=~models.Q(given_by="guardian") | ~models.Q(given_by_name=""),
                name="basis_guardian_named",
            ),
            models.CheckConstraint(
                condition=models.Q(approval__in=[a.value for a in Approval]),
                name="basis_approval_known",
            ),
            models.CheckConstraint(
                condition=models.Q(approval__in=["not_needed", "pending"], decided_by__isnull=True)
                | models.Q(
                    approval__in=["approved", "refused"],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                ),
                name="basis_decision_has_decider",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("recorded_by")),
                name="basis_no_self_approval",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, ended_reason="")
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(ended_reason="")),
                name="basis_end_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(mirror_of__isnull=True)
                | models.Q(kind="consent", both_ways=True, case__isnull=True),
                name="basis_mirror_is_a_consent_both_ways",
            ),
            *_category_constraints(),
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
            and self.approval in IN_FORCE
            and self.valid_from <= moment
            and (self.valid_until is None or self.valid_until > moment)
        )

    def ground_label(self) -> str:
        from igor.sharing.grounds import ground

        rule = ground(self.ground) if self.ground else None
        return rule.label if rule else self.ground

    def details_dict(self) -> dict[str, str]:
        import json

        return dict(json.loads(self.details)) if self.details else {}

    def covers(self, key: str) -> bool:
        return bool(getattr(self, f"covers_{key}", False))

    def category_keys(self) -> list[str]:
        return [category.key for category in CATEGORIES if self.covers(category.key)]

    def category_labels(self) -> list[str]:
        return [str(category.label) for category in CATEGORIES if self.covers(category.key)]

    def status_at(self, moment: datetime.datetime) -> str:
        """One word for the state of the basis: pending, refused, withdrawn, replaced, expired,
        future or active."""
        if self.approval == Approval.PENDING:
            return "pending"
        if self.approval == Approval.REFUSED:
            return "refused"
        if self.withdrawn_at is not None:
            return "withdrawn" if self.ended_reason == EndReason.WITHDRAWN else "replaced"
        if self.valid_until is not None and self.valid_until <= moment:
            return "expired"
        if self.valid_from > moment:
            return "future"
        return "active"


for _category in CATEGORIES:
    SharingBasis.add_to_class(
        _category.field,
        models.BooleanField(cast(str, _category.label), default=_category.key == PERSON),
    )


class SignedConsentForm(models.Model):
    """The signed consent form of a written consent: a scan or photo, encrypted at rest."""

    basis = models.OneToOneField(SharingBasis, on_delete=models.PROTECT, related_name="signed_form")
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = EncryptedTextField()  # base64 of the file
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.file_name


class ConcernStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received by social services")
    RESPONDED = "responded", _("Feedback given")


class ReportOfConcern(models.Model):
    """A report of concern about a child (orosanmälan), police → social services.

    The police draft and send it "at once"; sending records the statutory basis that lets social
    services see the child and the case (no consent is needed). Social services receive it in
    their unit's queue and give feedback to the reporter by a due date.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reports_of_concern"
    )
    child = models.ForeignKey(
        "people.Person",
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        related_name="reports_of_concern",
    )
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.DRAFT
    )
    concern = EncryptedTextField(_("what the police know or suspect"))
    justification = EncryptedTextField(_("justification in this individual case"))
    child_witnessed = models.BooleanField(_("the child saw or heard violence"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    basis = models.OneToOneField(
        SharingBasis, on_delete=models.PROTECT, null=True, blank=True, related_name="report"
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_due = models.DateField(_("feedback due"), null=True, blank=True)
    response = EncryptedTextField(_("feedback to the reporter"), blank=True)
    responded_at = models.DateTimeField(_("feedback given"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report of concern about a child")
        verbose_name_plural = _("reports of concern about children")
        indexes = [
            models.Index(fields=["recipient", "unit", "status"], name="concern_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ConcernStatus]),
                name="concern_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("recipient")),
                name="concern_crosses_the_wall",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", sent_at__isnull=True)
                | models.Q(
                    status__in=["sent", "received", "responded"],
                    sent_at__isnull=False,
                    sent_by__isnull=False,
                    basis__isnull=False,
                ),
                name="concern_sent_has_time_reporter_basis",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "sent"], received_at__isnull=True)
                | models.Q(
                    status__in=["received", "responded"],
                    received_at__isnull=False,
                    response_due__isnull=False,
                ),
                name="concern_received_has_time_and_due_date",
            ),
            models.CheckConstraint(
                condition=models.Q(responded_at__isnull=True) | models.Q(status="responded"),
                name="concern_feedback_only_when_responded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="responded")
                | (models.Q(responded_at__isnull=False) & ~models.Q(response="")),
                name="concern_responded_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"orosanmälan {self.pk} ({self.status})"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == ConcernStatus.RECEIVED and bool(
            self.response_due and self.response_due < today
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
