"""Every write of the statistics app: studies, extracts, and the audit of every export."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Role
from igor.audit.record import record
from igor.stats import access, anonymity, extracts
from igor.stats.models import Extract, ExtractStatus, Study
from igor.stats.periods import Period, PeriodError

log = logging.getLogger(__name__)

# An extract whose worker has said nothing for this long is taken to have died and may be retried.
STALE_AFTER = datetime.timedelta(minutes=30)


def _period(start: datetime.date, end: datetime.date, field: str = "period_end") -> Period:
    try:
        return Period(start, end)
    except PeriodError as error:
        raise ValidationError({field: str(error)}) from error


def _units_within(units: list[Unit], allowed: set[int], message: str) -> None:
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    if any(unit.pk not in allowed for unit in units):
        raise ValidationError({"units": message})


@transaction.atomic
def register_study(
    *,
    actor: User,
    name: str,
    ethics_reference: str,
    period_start: datetime.date,
    period_end: datetime.date,
    units: list[Unit],
    variables: list[str],
    researcher: User,
    k: int,
) -> Study:
    if not access.may_register_studies(actor):
        raise ValidationError(_("Only a unit lead may register a study."))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the study a name.")
    if not ethics_reference.strip():
        errors["ethics_reference"] = _(
            "A study needs the reference of its ethics approval before any data can be extracted."
        )
    if researcher.role != Role.RESEARCHER or not researcher.is_active:
        errors["researcher"] = _("Choose an active researcher.")
    unknown = [v for v in variables if v not in extracts.VARIABLE_KEYS]
    if not variables or unknown:
        errors["variables"] = _("Choose one or more of the listed variables.")
    if k < 2:
        errors["k"] = _("The smallest group must be at least 2.")
    if errors:
        raise ValidationError(errors)
    _period(period_start, period_end)
    _units_within(
        units,
        set(access.unit_ids_for(actor)),
        _("A study can only cover your own units."),
    )
    study = Study.objects.create(
        name=name.strip(),
        ethics_reference=ethics_reference.strip(),
        period_start=period_start,
        period_end=period_end,
        variables=[v for v in extracts.VARIABLE_KEYS if v in variables],
        researcher=researcher,
        k=k,
        registered_by=actor,
    )
    study.units.set(units)
    record(
        actor=actor,
        verb="create",
        object_type="study",
        object_id=study.pk,
        purpose="register research study",
        data={
            "ethics_reference": study.ethics_reference,
            "units": sorted(u.pk for u in units),
            "variables": study.variables,
            "researcher": researcher.pk,
        },
    )
    return study


@transaction.atomic
def request_extract(
    *,
    actor: User,
    study: Study,
    period_start: datetime.date,
    period_end: datetime.date,
    units: list[Unit],
) -> Extract:
    """Register the extract (audited) and queue it for the worker once that is committed."""
    access.get_study_for(actor, study.pk)
    period = _period(period_start, period_end)
    if not Period(study.period_start, study.period_end).contains(period):
        raise ValidationError(
            {"period_start": _("The extract's period must lie within the study's period.")}
        )
    _units_within(
        units,
        set(study.units.values_list("pk", flat=True)),
        _("The extract can only cover the study's units."),
    )
    extract = Extract.objects.create(
        study=study,
        period_start=period_start,
        period_end=period_end,
        requested_by=actor,
    )
    extract.units.set(units)
    record(
        actor=actor,
        verb="create",
        object_type="extract",
        object_id=extract.pk,
        purpose="request research extract",
        data={"study": study.pk, "units": sorted(u.pk for u in units)},
    )
    transaction.on_commit(lambda: _enqueue(extract.pk))
    return extract


def _enqueue(extract_id: int) -> None:
    from igor.stats.tasks import build_extract

    build_extract.enqueue(extract_id)


@transaction.atomic
def retry_extract(*, actor: User, extract: Extract) -> Extract:
    extract = Extract.objects.select_for_update().get(pk=extract.pk)
    stale = timezone.now() - (extract.finished_at or extract.requested_at) > STALE_AFTER
    retryable = extract.status == ExtractStatus.FAILED or (
        extract.status in (ExtractStatus.RUNNING, ExtractStatus.QUEUED) and stale
    )
    if not retryable:
        raise ValidationError(_("Only a failed or stalled extract can be started again."))
    extract.status = ExtractStatus.QUEUED
    extract.error = ""
    extract.save(update_fields=["status", "error"])
    record(
        actor=actor,
        verb="update",
        object_type="extract",
        object_id=extract.pk,
        purpose="retry research extract",
    )
    transaction.on_commit(lambda: _enqueue(extract.pk))
    return extract


def _progress(extract_id: int) -> Any:
    def report(done: int, total: int) -> None:
        # Its own small transaction, so the page sees progress while the extract is built.
        Extract.objects.filter(pk=extract_id).update(
            processed=done, total=total, finished_at=timezone.now()
        )

    return report


def run_extract(*, extract_id: int, today: datetime.date | None = None) -> Extract:
    """The worker's part: build, anonymise and package; on any error mark it failed, cleanly.

    Rebuilding from the start is safe (nothing is written until the end), so a retried or
    resumed extract gives the same file for the same data.
    """
    with transaction.atomic():
        extract = Extract.objects.select_for_update().get(pk=extract_id)
        if extract.status == ExtractStatus.DONE:
            return extract
        extract.status = ExtractStatus.RUNNING
        extract.attempts += 1
        extract.processed = 0
        extract.save(update_fields=["status", "attempts", "processed"])
    today = today or timezone.localdate()
    try:
        rows = extracts.build_rows(extract, today, _progress(extract_id))
        ladders = extracts.ladders_for(extract.study.variables)
        result = anonymity.anonymise(rows, ladders, extract.study.k)
        content = extracts.package(extract, result)
    except Exception as error:
        log.exception("research extract %s failed", extract_id)
        return _fail(extract_id, type(error).__name__)
    with transaction.atomic():
        extract = Extract.objects.select_for_update().get(pk=extract_id)
        extract.status = ExtractStatus.DONE
        extract.content = content
        extract.sha256 = extracts.digest(content)
        extract.rows = len(result.rows)
        extract.rows_suppressed = result.suppressed_rows + result.dropped_rows
        extract.generalisation = result.level
        extract.processed = extract.total
        extract.finished_at = timezone.now()
        extract.save()
        record(
            actor=extract.requested_by,
            verb="export",
            object_type="extract",
            object_id=extract.pk,
            purpose="research extract built",
            data={"rows": extract.rows, "sha256": extract.sha256, "study": extract.study_id},
        )
    return extract


def _fail(extract_id: int, reason: str) -> Extract:
    with transaction.atomic():
        extract = Extract.objects.select_for_update().get(pk=extract_id)
        extract.status = ExtractStatus.FAILED
        extract.error = reason[:300]
        extract.finished_at = timezone.now()
        extract.content = None
        extract.save(update_fields=["status", "error", "finished_at", "content"])
        record(
            actor=extract.requested_by,
            verb="update",
            object_type="extract",
            object_id=extract.pk,
            purpose="research extract failed",
            data={"error": extract.error},
        )
    return extract


@transaction.atomic
def record_extract_download(*, actor: User, extract: Extract) -> None:
    record(
        actor=actor,
        verb="export",
        object_type="extract",
        object_id=extract.pk,
        purpose="download research extract",
        data={"study": extract.study_id, "sha256": extract.sha256},
    )


@transaction.atomic
def record_figures_export(*, actor: User, area: str, fmt: str, periods: list[str]) -> None:
    record(
        actor=actor,
        verb="export",
        object_type="figures",
        purpose="download figures",
        data={"area": area, "format": fmt, "periods": periods},
    )
