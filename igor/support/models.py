"""Outreach, treatment referrals, victim support, transport, sheltered housing, the legal process,
tasks and case closure.

Every row hangs on one case and belongs to the organisation that controls that case: only its
staff write it, and the other organisation sees it only while a sharing basis covers the case
(igor.support.access). The rows are also the evaluation's raw figures (offers before acceptance,
acceptances, starts, completions, placements, transports), so the facts that are counted are
columns with closed choices, never free text.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField

# --- The provider registry ------------------------------------------------------------------------


class ProviderKind(models.TextChoices):
    VIOLENCE_CENTRE = "violence_centre", _("Relationship-violence centre")
    WOMENS_SHELTER = "womens_shelter", _("Women's shelter")
    MENS_SHELTER = "mens_shelter", _("Men's shelter")
    SHELTERED_HOUSING = "sheltered_housing", _("Sheltered housing")
    TREATMENT = "treatment", _("Treatment programme for people using violence")
    ADDICTION = "addiction", _("Addiction care")
    INTERPRETER = "interpreter", _("Interpreter service")
    OTHER = "other", _("Other")


HOUSING_KINDS = (
    ProviderKind.WOMENS_SHELTER,
    ProviderKind.MENS_SHELTER,
    ProviderKind.SHELTERED_HOUSING,
)


class Provider(models.Model):
    """Somewhere the unit refers people to. Kept by the unit lead; no personal data."""

    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="providers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ProviderKind.choices)
    contact = models.CharField(_("contact for referrals"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("For sheltered housing: how many people it can take at once."),
    )
    active = models.BooleanField(_("takes referrals"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="provider_name_per_unit"),
            models.CheckConstraint(
                condition=Q(kind__in=ProviderKind.values), name="provider_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_housing(self) -> bool:
        return self.kind in HOUSING_KINDS


# --- Outreach ---------------------------------------------------------------------------------------


class ContactMethod(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    AFTER_INTERVIEW = "after_interview", _("After a police interview")
    OTHER = "other", _("Other")


class ContactResult(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")


class Offer(models.TextChoices):
    NONE = "", _("No offer")
    TREATMENT = "treatment", _("Treatment programme")
    SUPPORT_TALK = "support_talk", _("Support talk")
    OTHER = "other", _("Other support")


class Answer(models.TextChoices):
    NONE = "", _("–")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    THINKING = "thinking", _("Thinking about it")


class OutreachContact(models.Model):
    """One planned or made attempt to reach a person using violence (or a victim) and offer help.

    A planned contact has `planned_for` and no result; recording its outcome sets `done_at`,
    `result` and the attempt number. `offer_number` counts the offers made to this person in this
    case, this one included, so on an acceptance it is "offers before acceptance" + 1.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="outreach")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    party_role = models.CharField(_("role in the case"), max_length=20)
    method = models.CharField(_("method"), max_length=20, choices=ContactMethod.choices)
    planned_for = models.DateTimeField(_("planned for"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempt_number = models.PositiveIntegerField(_("attempt"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("who went"), related_name="+", blank=True
    )
    result = models.CharField(_("result"), max_length=20, choices=ContactResult.choices, blank=True)
    offer = models.CharField(_("offer made"), max_length=20, choices=Offer.choices, blank=True)
    offer_number = models.PositiveIntegerField(_("offer number"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # A planned contact called off; it stays on record, counted as no attempt.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        indexes = [
            models.Index(fields=["case", "person"], name="outreach_case_person"),
            models.Index(fields=["planned_for"], name="outreach_planned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_for__isnull=False) | Q(done_at__isnull=False),
                name="outreach_planned_or_done",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(done_at__isnull=True),
                name="outreach_cancelled_only_when_planned",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, result="")
                | Q(done_at__isnull=False, result__in=ContactResult.values),
                name="outreach_result_when_done",
            ),
            models.CheckConstraint(
                condition=Q(offer="") | Q(result=ContactResult.REACHED),
                name="outreach_offer_only_when_reached",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | ~Q(offer=""), name="outreach_answer_needs_offer"
            ),
            models.CheckConstraint(
                condition=Q(offer="", offer_number__isnull=True)
                | (~Q(offer="") & Q(offer_number__gte=1)),
                name="outreach_offer_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.person_id}"

    @property
    def is_planned(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def when(self) -> datetime.datetime:
        return self.done_at or self.planned_for  # type: ignore[return-value]


# --- Referrals --------------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted by the provider")
    REJECTED = "rejected", _("Rejected by the provider")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(models.Model):
    """A referral of one person to one provider, and where it stands.

    Each change of status is also a `ReferralEvent`, so the lifecycle can be counted over time.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    party_role = models.CharField(_("role in the case"), max_length=20)
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="referrals"
    )
    purpose = models.CharField(_("what for"), max_length=300)
    outreach = models.ForeignKey(
        OutreachContact,
        verbose_name=_("after the outreach contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_on = models.DateField(_("sent"))
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    feedback = EncryptedTextField(_("feedback from the provider"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="referral_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("sent_on")),
                name="referral_answer_after_sending",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("sent_on")),
                name="referral_start_after_sending",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="referral_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.get_status_display()})"


class ReferralEvent(models.Model):
    """One step of a referral's lifecycle (append-only)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    feedback = EncryptedTextField(_("feedback from the provider"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.on}"


# --- Victim support ---------------------------------------------------------------------------------


class InterventionKind(models.TextChoices):
    """Social services' support catalogue for victims (and the IGOR extras)."""

    ADVICE = "advice", _("Advice and information")
    AUTHORITIES = "authorities", _("Support in contact with the police and other authorities")
    LEGAL_PROCESS = "legal_process", _("Support during the legal process")
    SAFETY_PLANNING = "safety_planning", _("Protection assessment and safety planning")
    SHELTERED_HOUSING = "sheltered_housing", _("Placement in sheltered housing")
    TALK_INDIVIDUAL = "talk_individual", _("Support talks, individual")
    TALK_GROUP = "talk_group", _("Support talks, group")
    PRACTICAL = "practical", _("Practical support")
    HOME_VISIT = "home_visit", _("Home visit")
    EARLY_MEETING = "early_meeting", _("Early meeting (e.g. right after a police interview)")


class InterventionOutcome(models.TextChoices):
    ONGOING = "", _("Ongoing")
    ACHIEVED = "achieved", _("Goals reached")
    PARTLY = "partly", _("Partly reached")
    NOT_ACHIEVED = "not_achieved", _("Not reached")
    DECLINED = "declined", _("Ended at the person's wish")


class Intervention(models.Model):
    """One support intervention for a victim, with its dates and outcome."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="interventions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("support"), max_length=30, choices=InterventionKind.choices)
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=InterventionOutcome.choices, blank=True
    )
    without_police_report = models.BooleanField(_("support without a police report"), default=False)
    notes = EncryptedTextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("support intervention")
        verbose_name_plural = _("support interventions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InterventionKind.values), name="intervention_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="intervention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, outcome="")
                | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="intervention_outcome_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class TransportPurpose(models.TextChoices):
    POLICE_INTERVIEW = "police_interview", _("Police interview")
    COURT = "court", _("Court")
    SHELTER = "shelter", _("Move to sheltered housing")
    OTHER = "other", _("Other")


class TransportStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Transport(models.Model):
    """An escorted ride for a victim, e.g. to a police interview or to court.

    The places are encrypted and, when the person has a protected identity, shown only on an
    explicit, logged reveal to the owning organisation's staff who do not work with the person
    using violence (igor.support.access).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="transports")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=TransportPurpose.choices)
    departs_at = models.DateTimeField(_("departure"))
    from_place = EncryptedTextField(_("from"), max_length=300)
    to_place = EncryptedTextField(_("to"), max_length=300)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who drives"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    escort_risk = EncryptedTextField(_("escort risk notes"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TransportStatus.choices, default=TransportStatus.BOOKED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["departs_at", "id"]
        verbose_name = _("transport")
        verbose_name_plural = _("transports")
        indexes = [models.Index(fields=["departs_at"], name="transport_departs")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TransportStatus.values), name="transport_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.departs_at:%Y-%m-%d %H:%M}"


class ShelterPlacement(models.Model):
    """A victim's stay in sheltered housing. The address is encrypted and never shown to the
    other organisation nor to anyone working with the person using violence."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="placements"
    )
    moved_in_on = models.DateField(_("moved in"))
    moved_out_on = models.DateField(_("moved out"), null=True, blank=True)
    address = EncryptedTextField(_("address of the placement"), max_length=300)
    notes = EncryptedTextField(_("notes"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-moved_in_on", "-id"]
        verbose_name = _("sheltered-housing placement")
        verbose_name_plural = _("sheltered-housing placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=F("moved_in_on")),
                name="placement_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.moved_in_on}"

    def is_current_on(self, day: datetime.date) -> bool:
        return self.moved_in_on <= day and (self.moved_out_on is None or self.moved_out_on > day)


# --- The legal process (police side) ------------------------------------------------------------


class InvestigationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    DISCONTINUED = "discontinued", _("Discontinued")
    WITH_PROSECUTOR = "with_prosecutor", _("Handed to the prosecutor")


class ProsecutorDecision(models.TextChoices):
    PENDING = "", _("Not yet decided")
    PROSECUTION = "prosecution", _("Prosecution")
    NO_PROSECUTION = "no_prosecution", _("No prosecution")


class Judgment(models.TextChoices):
    PENDING = "", _("No judgment yet")
    CONVICTION = "conviction", _("Conviction")
    ACQUITTAL = "acquittal", _("Acquittal")


class LegalProcess(models.Model):
    """The criminal process behind one police report, on a police case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_processes")
    report_number = models.CharField(_("police report number"), max_length=30)
    investigation = models.CharField(
        _("preliminary investigation"),
        max_length=20,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.ONGOING,
    )
    prosecutor_decision = models.CharField(
        _("prosecutor's decision"), max_length=20, choices=ProsecutorDecision.choices, blank=True
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    judgment = models.CharField(_("judgment"), max_length=20, choices=Judgment.choices, blank=True)
    judged_on = models.DateField(_("judgment date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report_number"]
        verbose_name = _("legal process")
        verbose_name_plural = _("legal processes")
        constraints = [
            models.UniqueConstraint(fields=["case", "report_number"], name="legal_report_once"),
            models.CheckConstraint(
                condition=Q(judgment="") | Q(prosecutor_decision="prosecution"),
                name="legal_judgment_needs_prosecution",
            ),
            models.CheckConstraint(
                condition=Q(judged_on__isnull=True) | ~Q(judgment=""),
                name="legal_judgment_date_with_judgment",
            ),
        ]

    def __str__(self) -> str:
        return self.report_number


class LegalEventKind(models.TextChoices):
    VICTIM_INTERVIEW = "victim_interview", _("Interview with the victim")
    SUSPECT_INTERVIEW = "suspect_interview", _("Interview with the suspect")
    WITNESS_INTERVIEW = "witness_interview", _("Interview with a witness")
    COURT_HEARING = "court_hearing", _("Court hearing")
    MAIN_HEARING = "main_hearing", _("Main hearing (trial)")
    OTHER = "other", _("Other")


class LegalEvent(models.Model):
    """A dated step of the legal process: an interview or a court date."""

    process = models.ForeignKey(LegalProcess, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=30, choices=LegalEventKind.choices)
    at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="legal_event_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


# --- Daily work: tasks -----------------------------------------------------------------------------


class TaskSource(models.TextChoices):
    MANUAL = "manual", _("Written by hand")
    OUTREACH = "outreach", _("Outreach follow-up")
    REFERRAL = "referral", _("Referral follow-up")
    COURT = "court", _("Court date")
    INTERVIEW = "interview", _("Interview")
    REASSESSMENT = "reassessment", _("Risk reassessment")
    TRANSPORT = "transport", _("Transport")


class Task(models.Model):
    """A reminder for one staff member, or for everybody of one organisation in a unit.

    Tasks are the organisation's own work list: they never cross the wall.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_tasks",
        help_text=_("Leave empty for the whole unit."),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due"))
    source = models.CharField(
        _("from"), max_length=20, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    source_id = models.BigIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["organisation", "unit", "done_at", "due_on"], name="task_open"),
            models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="task_done_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.done_at is None and self.due_on < day


# --- Outcome measurement and closure -------------------------------------------------------------


class SnapshotStage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    EXIT = "exit", _("Exit")


class DangerLevel(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    SEVERE = "severe", _("Severe")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Safety(models.TextChoices):
    SAFE = "safe", _("Feels safe")
    PARTLY = "partly", _("Partly safe")
    UNSAFE = "unsafe", _("Does not feel safe")
    UNKNOWN = "unknown", _("Unknown")


class OutcomeSnapshot(models.Model):
    """Where a victim or a person using violence stood at intake and at exit, for the evaluation."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="snapshots")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    party_role = models.CharField(_("role in the case"), max_length=20)
    stage = models.CharField(_("stage"), max_length=10, choices=SnapshotStage.choices)
    danger_level = models.CharField(_("danger level"), max_length=10, choices=DangerLevel.choices)
    violence_ongoing = models.CharField(
        _("violence ongoing"), max_length=10, choices=YesNoUnknown.choices
    )
    safety = models.CharField(_("safety"), max_length=10, choices=Safety.choices)
    support_received = models.CharField(
        _("support or treatment received"), max_length=10, choices=YesNoUnknown.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "person", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "stage"], name="snapshot_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_id} {self.stage}"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("The goals of the work are met")
    HANDED_OVER = "handed_over", _("Handed over to ordinary services or investigators")
    DECLINED = "declined", _("The person declines further contact")
    NO_CONTACT = "no_contact", _("No contact could be made")
    MOVED = "moved", _("Moved out of the area")
    OTHER = "other", _("Other")


class CaseClosure(models.Model):
    """Why and how a case was closed: the checklist as it stood, and any warning overridden."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="closures")
    reason = models.CharField(_("reason"), max_length=20, choices=ClosureReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    open_tasks = models.PositiveIntegerField(default=0)
    missing_snapshots = models.PositiveIntegerField(default=0)
    override_reason = models.CharField(_("why close anyway"), max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-closed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(open_tasks=0) & Q(missing_snapshots=0)) | ~Q(override_reason=""),
                name="closure_warnings_overridden_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason}"
