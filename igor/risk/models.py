"""Risk work: assessments, safe-contact rules, safety plans, protective measures, conferences.

Every row belongs to the organisation that made it (the case's organisation) and is seen by the
other organisation only through the access policy (igor.risk.access).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField
from igor.risk.levels import Level

MAX_SCAN_BYTES = 5 * 1024 * 1024
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")


class Source(models.TextChoices):
    INSTRUMENT = "instrument", _("Assessment with an instrument in IGOR")
    EXTERNAL = "external", _("Result of another instrument")
    VICTIM = "victim", _("The victim's own estimate")


class AssessmentStatus(models.TextChoices):
    FINAL = "final", _("Final")
    AWAITING_APPROVAL = "awaiting_approval", _("Lowered level awaiting the unit lead's approval")
    REJECTED = "rejected", _("Lowering not approved")


class Assessment(models.Model):
    """One assessment of the danger a person is in, ending in a judged level with a rationale."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("about"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("kind"), max_length=12, choices=Source.choices)
    instrument_id = models.CharField(_("instrument"), max_length=60, blank=True)
    instrument_name = models.CharField(_("instrument"), max_length=100, blank=True)
    instrument_version = models.CharField(_("version"), max_length=20, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # item id → answer id
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    suggested_level = models.CharField(
        _("suggested level"), max_length=10, choices=Level.choices, blank=True
    )
    level = models.CharField(_("judged level"), max_length=10, choices=Level.choices)
    rationale = EncryptedTextField(_("rationale"), max_length=5000)
    assessed_on = models.DateField(_("date of assessment"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor_name = models.CharField(_("assessor"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.FINAL
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    scan = models.BinaryField(null=True, blank=True, editable=False)
    scan_name = models.CharField(max_length=200, blank=True)
    scan_type = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["case", "assessed_on"], name="assessment_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="assessment_level_known"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values), name="assessment_source_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="instrument") | ~models.Q(instrument_id=""),
                name="assessment_instrument_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="external") | ~models.Q(instrument_name=""),
                name="assessment_external_named",
            ),
            models.CheckConstraint(
                condition=models.Q(status="final")
                | models.Q(source="instrument", suggested_level__in=["medium", "high"]),
                name="assessment_approval_only_for_lowering",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="awaiting_approval") | models.Q(decided_by__isnull=True),
                name="assessment_pending_undecided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.assessed_on} {self.level}"

    @property
    def effective_level(self) -> str:
        """The level in force: a lowering counts only once the unit lead has approved it."""
        if self.status != AssessmentStatus.FINAL and self.suggested_level:
            return self.suggested_level
        return self.level

    @property
    def awaiting_approval(self) -> bool:
        return self.status == AssessmentStatus.AWAITING_APPROVAL

    @property
    def source_label(self) -> str:
        """Who the level speaks for: the victim, or the assessing agency."""
        if self.source == Source.VICTIM:
            return "victim"
        return str(self.organisation.kind)


class SafeContact(models.Model):
    """How the person may be contacted safely; shown before any contact action in IGOR."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="safe_contact"
    )
    safe_times = models.CharField(_("safe times to call"), max_length=200, blank=True)
    voicemail_allowed = models.BooleanField(_("a voicemail may be left"), default=False)
    sms_allowed = models.BooleanField(_("text messages may be sent"), default=False)
    letters_allowed = models.BooleanField(_("letters may be sent home"), default=False)
    others_read_phone = models.BooleanField(_("someone else may read the phone"), default=True)
    code_word = EncryptedTextField(_("code word"), max_length=100, blank=True)
    notes = EncryptedTextField(_("other advice"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("safe-contact rules")

    def __str__(self) -> str:
        return f"safe contact {self.person_id}"


PLAN_SECTIONS = (
    ("before", _("Before violence: preparing")),
    ("during", _("During violence: getting safe")),
    ("after", _("After violence and after leaving")),
    ("people_to_call", _("People to call")),
    ("safe_places", _("Safe places to go")),
    ("code_word", _("Code word and signals")),
    ("children", _("The children")),
    ("digital", _("Digital safety: shared phones, location sharing, accounts")),
)
PLAN_SECTION_KEYS = tuple(key for key, _label in PLAN_SECTIONS)
MAX_SECTION_CHARS = 3000


class SafetyPlan(models.Model):
    """The safety plan made with one person in one case; its content lives in versions."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="safety_plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("safety plan")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="safety_plan_once_per_person")
        ]

    def __str__(self) -> str:
        return f"plan {self.case_id}/{self.person_id}"


class SafetyPlanVersion(models.Model):
    """One version of a plan. Versions are never changed; a review writes a new one."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # JSON {section: {"text": ..., "print": bool}}, encrypted as one text.
    sections_json = EncryptedTextField()
    language = models.CharField(_("her language for the printed copy"), max_length=10, default="sv")
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)  # level when written
    made_with_person = models.BooleanField(_("made together with the person"), default=True)
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="plan_version_positive"),
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id} v{self.number}"


class MeasureKind(models.TextChoices):
    CONTACT_BAN = "contact_ban", _("Contact ban (kontaktförbud)")
    CONTACT_BAN_HOME = "contact_ban_home", _("Contact ban for the shared home")
    CONTACT_BAN_EXTENDED = "contact_ban_extended", _("Extended contact ban")
    ALARM_PACKAGE = "alarm_package", _("Alarm package")
    PROTECTED_IDENTITY = "protected_identity", _("Protected identity requested")
    SHELTERED_HOUSING = "sheltered_housing", _("Sheltered housing")
    OTHER = "other", _("Other protective measure")


CONTACT_BANS = (
    MeasureKind.CONTACT_BAN,
    MeasureKind.CONTACT_BAN_HOME,
    MeasureKind.CONTACT_BAN_EXTENDED,
)


class MeasureStatus(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted, in force")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended")


class ProtectiveMeasure(models.Model):
    """A protective measure for a person, tied to the risk level that called for it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="measures")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("protects"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.APPLIED
    )
    applied_on = models.DateField(_("applied for on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    starts_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # Blank only for sheltered housing placed before any assessment (see `placement`).
    level = models.CharField(
        _("risk level that called for it"), max_length=10, choices=Level.choices, blank=True
    )
    note = EncryptedTextField(_("note"), max_length=2000, blank=True)
    # Sheltered housing follows the support app's placement: its dates, never its address.
    placement = models.OneToOneField(
        "support.ShelterPlacement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measure",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("protective measure")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MeasureKind.values), name="measure_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeasureStatus.values), name="measure_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="applied") | models.Q(decided_on__isnull=False),
                name="measure_decision_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(expires_on__gte=models.F("starts_on")),
                name="measure_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(placement__isnull=True) | models.Q(kind="sheltered_housing"),
                name="measure_placement_is_housing",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values) | models.Q(placement__isnull=False),
                name="measure_level_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"

    @property
    def is_contact_ban(self) -> bool:
        return self.kind in CONTACT_BANS

    def has_expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def in_force(self, today: datetime.date) -> bool:
        return self.status == MeasureStatus.GRANTED and not self.has_expired(today)


class Breach(models.Model):
    """A breach of a contact ban (or of another measure), as reported."""

    measure = models.ForeignKey(
        ProtectiveMeasure, on_delete=models.PROTECT, related_name="breaches"
    )
    occurred_at = models.DateTimeField(_("when"))
    police_report_number = models.CharField(_("police report number"), max_length=30, blank=True)
    description = EncryptedTextField(_("what happened"), max_length=2000)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("breach")

    def __str__(self) -> str:
        return f"breach {self.measure_id} {self.occurred_at:%Y-%m-%d}"


class ConferenceKind(models.TextChoices):
    HUDDLE = "huddle", _("Daily huddle of the unit")
    MULTI_AGENCY = "multi_agency", _("Multi-agency risk conference")


class Conference(models.Model):
    """A case conference of one unit; which cases each member sees follows the case policy."""

    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ConferenceKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    participants = models.CharField(_("other agencies taking part"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("case conference")
        indexes = [models.Index(fields=["unit", "held_on"], name="conference_unit_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ConferenceKind.values), name="conference_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class ConferenceItem(models.Model):
    """One case on a conference's agenda; summary and minutes belong to the case's organisation."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(default=list)  # escalation flag codes when the case was added
    summary = EncryptedTextField(_("summary for the conference"), max_length=3000, blank=True)
    minutes = EncryptedTextField(_("minutes"), max_length=10000, blank=True)
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "case"], name="conference_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.conference_id}: {self.case_id}"


class ConferenceAction(models.Model):
    """An action agreed at a conference: who does what, for which organisation, by when."""

    item = models.ForeignKey(ConferenceItem, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True, done_by__isnull=True)
                | models.Q(done_at__isnull=False, done_by__isnull=False),
                name="conference_action_done_by_whom",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today
