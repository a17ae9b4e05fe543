"""Tips from the public, self-referrals, the anonymous dialogue, and each unit's public tip line.

What a tipster or a self-referring person writes is sensitive: every such text is an
EncryptedTextField (igor.lib.crypto). Contact details are kept apart from the tip, in their own
table, visible to the triage role only. Nothing here records an IP address, a user agent or any
device identifier: the public side never reads them (see igor.tips.anonymity).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField


class Kind(models.TextChoices):
    TIP = "tip", _("Tip")
    CONTACT_ME = "contact_me", _("Wants safe contact")
    HELP_TO_STOP = "help_to_stop", _("Wants help to stop")


class Urgency(models.TextChoices):
    ACUTE = "acute", _("Acute")
    WITHIN_DAY = "within_day", _("Within a day")
    ROUTINE = "routine", _("Routine")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_TRIAGE = "in_triage", _("In triage")
    TRIAGED = "triaged", _("Summary written")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    NEW_CASE = "new_case", _("New case opened")
    ADDED_TO_CASE = "added_to_case", _("Added to a case")
    OUTREACH_PLANNED = "outreach_planned", _("Outreach planned")
    REPORT_OF_CONCERN = "report_of_concern", _("Report of concern about a child")
    FORWARDED = "forwarded", _("Forwarded to another authority")
    NO_ACTION = "no_action", _("No action")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")


class HowKnown(models.TextChoices):
    NEIGHBOUR = "neighbour", _("I am a neighbour")
    COLLEAGUE = "colleague", _("I am a colleague")
    FRIEND = "friend", _("I am a friend")
    RELATIVE = "relative", _("I am a relative")
    OTHER = "other", _("Other")


class OthersReadPhone(models.TextChoices):
    NO = "no", _("No, only I use it")
    YES = "yes", _("Yes, someone else may read it")
    UNSURE = "unsure", _("I am not sure")


class TipLine(models.Model):
    """A unit's public tip line: its address (slug) and whether it takes submissions."""

    unit = models.OneToOneField("accounts.Unit", on_delete=models.CASCADE, related_name="tip_line")
    slug = models.SlugField(_("web address"), max_length=40, unique=True)
    open = models.BooleanField(_("takes submissions"), default=True)

    class Meta:
        verbose_name = _("tip line")
        verbose_name_plural = _("tip lines")

    def __str__(self) -> str:
        return self.slug


class TextKey(models.TextChoices):
    INTRO = "intro", _("Start page introduction")
    POSTER_HEADING = "poster_heading", _("Poster heading")
    POSTER_BODY = "poster_body", _("Poster text")


class TipLineText(models.Model):
    """A unit-specific public text in one language; the built-in text applies where none is set."""

    tip_line = models.ForeignKey(TipLine, on_delete=models.CASCADE, related_name="texts")
    key = models.CharField(max_length=30, choices=TextKey.choices)
    language = models.CharField(max_length=10)
    text = models.TextField(max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tip_line", "key", "language"], name="tip_line_text_once"
            ),
            models.CheckConstraint(
                condition=models.Q(key__in=TextKey.values), name="tip_line_text_key_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tip_line_id}:{self.key}:{self.language}"


class HelpEntry(models.Model):
    """One place to turn to in the unit's public help directory ("Hit kan du vända dig")."""

    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="help_entries")
    name = models.CharField(_("name"), max_length=200)
    helps_with = models.CharField(_("what they help with"), max_length=500)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    web = models.URLField(_("web address"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position in the list"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("help directory entry")
        verbose_name_plural = _("help directory")

    def __str__(self) -> str:
        return self.name


class TipQuerySet(models.QuerySet["Tip"]):
    def tips(self) -> TipQuerySet:
        return self.filter(kind=Kind.TIP)

    def self_referrals(self) -> TipQuerySet:
        return self.exclude(kind=Kind.TIP)


class Tip(models.Model):
    """A tip or a self-referral sent through a unit's public pages.

    Times are kept to the hour (`received_at`): staff see how old a tip is, but the stored time
    cannot be lined up with a visit to the page (timing correlation).
    """

    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="tips")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TIP)
    language = models.CharField(_("language"), max_length=10)
    received_at = models.DateTimeField(_("received"))

    # What the tipster wrote: encrypted at rest, read by the triage role only.
    danger_now = models.BooleanField(_("someone was in danger when it was sent"), default=False)
    what_happened = EncryptedTextField(_("what happened"), blank=True)
    when_text = EncryptedTextField(_("when"), blank=True)
    place = EncryptedTextField(_("where"), blank=True)
    people_involved = EncryptedTextField(_("who is involved"), blank=True)
    children_in_home = models.CharField(
        _("children in the home"), max_length=10, choices=Answer.choices, blank=True
    )
    weapons = models.CharField(_("weapons"), max_length=10, choices=Answer.choices, blank=True)
    threats = models.CharField(_("threats"), max_length=10, choices=Answer.choices, blank=True)
    how_known = models.CharField(
        _("how the tipster knows"), max_length=20, choices=HowKnown.choices, blank=True
    )
    how_known_other = EncryptedTextField(_("how the tipster knows, in their words"), blank=True)
    message = EncryptedTextField(_("message"), blank=True)

    # The receipt code: only its Argon2id hash (igor.tips.receipts). Null once the dialogue ends.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    dialogue_expires_at = models.DateTimeField(_("dialogue open until"), null=True, blank=True)
    # The form's one-time submission key (hashed): a replayed or double-clicked send finds it.
    submission_key = models.CharField(max_length=64, unique=True)

    # Triage.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tips",
        verbose_name=_("assigned to"),
    )
    summary = EncryptedTextField(_("sanitised summary"), blank=True)
    protect_tipster = models.BooleanField(_("protect the tipster"), default=False)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tips",
        verbose_name=_("case"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [models.Index(fields=["unit", "status", "received_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="tip_kind_known"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="tip_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="tip_urgency_known"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=Outcome.values),
                name="tip_outcome_known",
            ),
            # A closed tip has an outcome, and "no action" always says why.
            models.CheckConstraint(
                condition=~models.Q(status=Status.CLOSED) | ~models.Q(outcome=""),
                name="tip_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome=Outcome.NO_ACTION) | ~models.Q(outcome_reason=""),
                name="tip_no_action_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def reference(self) -> str:
        """The staff-side name of a tip: a number that says nothing about when it came in."""
        return f"T-{self.pk:05d}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class ContactDetails(models.Model):
    """How to reach the person who wrote: kept apart from the tip, triage role only.

    For a tip these are "confidential, not anonymous"; for a self-referral they are the
    safe-contact preferences (safe times, voicemail, SMS, a code word, who else reads the phone).
    """

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="contact")
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    safe_times = EncryptedTextField(_("safe times to call"), blank=True)
    voicemail_ok = models.BooleanField(_("we may leave a voicemail"), default=False)
    sms_ok = models.BooleanField(_("we may send a text message"), default=False)
    code_word = EncryptedTextField(_("code word"), blank=True)
    others_read_phone = models.CharField(
        _("does anyone else read this phone"),
        max_length=10,
        choices=OthersReadPhone.choices,
        blank=True,
    )
    preferred_language = models.CharField(_("language"), max_length=100, blank=True)
    interpreter = models.BooleanField(_("needs an interpreter"), default=False)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"contact of tip {self.tip_id}"


class Message(models.Model):
    """One message of the anonymous dialogue between the unit and the tipster."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_unit = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    sent_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_unit=False, author__isnull=True) | models.Q(from_unit=True),
                name="tip_message_tipster_is_nobody",
            )
        ]

    def __str__(self) -> str:
        return f"message {self.pk} of tip {self.tip_id}"


class Draft(models.Model):
    """A half-filled form between its steps, encrypted. The anonymous session names it; the quick
    exit deletes it, and so does its expiry."""

    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TIP)
    step = models.PositiveSmallIntegerField(default=1)
    data = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft {self.pk}"


class PersonLink(models.Model):
    """A person the triage role found the tip to be about (the matching issue adds candidates)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="tip_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tip", "person"], name="tip_person_link_once")
        ]

    def __str__(self) -> str:
        return f"tip {self.tip_id} → person {self.person_id}"


class ReceiptHandover(models.Model):
    """A new receipt code, encrypted, between sending and the "I have saved it" step.

    Deleted at that step, by the quick exit, or after the draft lifetime; after that the code
    exists only as the tip's Argon2id hash.
    """

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="+")
    code = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"handover of tip {self.tip_id}"
