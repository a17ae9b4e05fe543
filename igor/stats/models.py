"""Research studies and their extracts (the only rows the statistics app writes).

Figures themselves are computed on request from the case data; nothing here copies personal
data except an extract's file, which is pseudonymised, k-anonymous and free of free text.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from igor.lib.crypto import EncryptedTextField
from igor.stats.suppression import DEFAULT_THRESHOLD


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class Study(models.Model):
    """A registered research study: what it may receive, for which units and period."""

    name = models.CharField(_("name"), max_length=200)
    ethics_reference = models.CharField(
        _("ethics approval reference"),
        max_length=100,
        help_text=_(
            "The Swedish Ethical Review Authority's reference number, e.g. Dnr 2026-01234-01."
        ),
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("units"), related_name="+")
    variables = models.JSONField(_("variables"), default=list)
    k = models.PositiveSmallIntegerField(
        _("smallest group (k)"),
        default=DEFAULT_THRESHOLD,
        help_text=_(
            "Every combination of the indirectly identifying variables covers at least this many rows."
        ),
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("researcher"),
        on_delete=models.PROTECT,
        related_name="studies",
    )
    # The secret the pseudonyms are keyed with: one per study, so the same person has the same
    # pseudonym in every extract of a study and an unrelated one in any other study.
    pseudonym_key = EncryptedTextField(default=new_pseudonym_key, editable=False)
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="study_period_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(ethics_reference=""), name="study_has_ethics_reference"
            ),
            models.CheckConstraint(condition=models.Q(k__gte=2), name="study_k_at_least_two"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ethics_reference})"


class ExtractStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Extract(models.Model):
    """One extract of a study; the export register is the list of these rows."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="extracts")
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("units"), related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.QUEUED
    )
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_suppressed = models.PositiveIntegerField(_("rows suppressed"), default=0)
    generalisation = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extract")
        verbose_name_plural = _("extracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="extract_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ExtractStatus.values), name="extract_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")),
                name="extract_progress_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study_id}/{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == ExtractStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def filename(self) -> str:
        return f"igor-study-{self.study_id}-extract-{self.pk}.zip"


# --- Daily summaries (igor.stats.summaries) ------------------------------------------------------


class DailyCount(models.Model):
    """One counter of one source for one unit and one local day: the pre-aggregated rows the
    dashboard sums over a period instead of reading every case. Derived data only: rebuilt from
    the case rows at any time (`igor stats_rebuild`) and checked against them (`stats_verify`)."""

    source = models.CharField(max_length=20)
    day = models.DateField()
    unit_id = models.BigIntegerField()
    counter = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["source", "day"], name="stats_daily_source_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "day", "unit_id", "counter"], name="stats_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.day} unit {self.unit_id} {self.counter}={self.n}"


class ChangedCase(models.Model):
    """A case whose rows changed since the summaries were last brought up to date: written in
    the transaction of the change (signals on the source models), consumed by `refresh`."""

    case_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"case {self.case_id} changed"


class CaseFootprint(models.Model):
    """The days and persons through which a case counted in the summaries when they were last
    brought up to date: what must be recounted if the case changes or disappears."""

    case_id = models.BigIntegerField(primary_key=True)
    organisation_id = models.BigIntegerField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True)
    incident_days = models.JSONField(default=list)
    perpetrators = models.JSONField(default=list)  # person keys (igor.stats.sources.person_key)

    def __str__(self) -> str:
        return f"footprint of case {self.case_id}"


class SummaryState(models.Model):
    """One row: the version of the counting rules the summaries were built with (0: not built);
    its lock serialises the refreshes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"summaries of version {self.version}"
