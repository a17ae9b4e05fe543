from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.fields import SortableTextField


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    PERPETRATOR = "perpetrator", _("Person using violence")
    CHILD = "child", _("Child")
    OTHER = "other", _("Other")


class RelationKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    FORMER_PARTNER = "former_partner", _("Former partner")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER_CLOSE = "other_close", _("Other close relation")


class ViolenceKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SEXUAL = "sexual", _("Sexual")
    ECONOMIC = "economic", _("Economic")
    DIGITAL = "digital", _("Digital")
    HONOUR = "honour", _("Honour-related")
    NEGLECT = "neglect", _("Neglect")


class Case(models.Model):
    """A case of one organisation in one unit."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="cases")
    reference = SortableTextField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
        null=True,
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "unit", "opened_at"], name="case_scope_opened"),
            models.Index(fields=["organisation", "unit", "updated_at"], name="case_scope_updated"),
            models.Index(fields=["organisation", "unit", "reference"], name="case_scope_reference"),
            models.Index(
                fields=["organisation", "unit", "status", "opened_at"], name="case_scope_status"
            ),
            # The figures' daily summaries recount one day at a time (igor.stats.summaries).
            models.Index(fields=["opened_at"], name="case_opened"),
            models.Index(fields=["closed_at"], name="case_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="case_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class Party(models.Model):
    """A person's part in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)

    class Meta:
        ordering = ["case", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="party_once_per_case"),
            models.CheckConstraint(
                condition=models.Q(role__in=PartyRole.values), name="party_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person_id}"


class Relation(models.Model):
    """How two parties of a case are related: `from_party` is `kind` of `to_party`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relations")
    from_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    to_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_party", "to_party"], name="relation_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_party=models.F("to_party")), name="relation_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RelationKind.values), name="relation_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_party_id} {self.kind} {self.to_party_id}"


class Incident(models.Model):
    """One occasion of violence in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField(_("date and time"))
    kinds = models.JSONField(_("kinds of violence"), default=list)
    place = models.CharField(_("place"), max_length=200, blank=True)
    police_report_number = models.CharField(_("police report number"), max_length=30, blank=True)
    children_present = models.BooleanField(_("children were present"), default=False)
    children_saw = models.BooleanField(_("children saw it"), default=False)
    children_heard = models.BooleanField(_("children heard it"), default=False)
    weapon = models.BooleanField(_("a weapon was used"), default=False)
    weapon_description = models.CharField(_("weapon"), max_length=200, blank=True)
    strangulation = models.BooleanField(_("strangulation"), default=False)
    injuries = models.TextField(_("injuries"), max_length=2000, blank=True)
    description = models.TextField(_("what happened"), max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        # The figures' daily summaries recount one day at a time (igor.stats.summaries).
        indexes = [models.Index(fields=["occurred_at"], name="incident_occurred")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.occurred_at:%Y-%m-%d}"

    @property
    def child_witnessed(self) -> bool:
        """A child saw or heard it: the police flag a possible barnfridsbrott (BrB 4 kap. 3 §),
        the child being an injured party in their own right."""
        return self.children_saw or self.children_heard

    def kind_labels(self) -> list[str]:
        labels = dict(ViolenceKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]


class JournalEntry(models.Model):
    """An append-only journal note. A correction is a new entry pointing at the one it corrects."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("text"), max_length=10000)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["case", "written_at"], name="journal_case_written")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.written_at:%Y-%m-%d %H:%M}"
