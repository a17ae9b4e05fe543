"""The unit lead's search of the audit trail (log review, loggkontroll)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from igor.accounts.decorators import requires
from igor.accounts.models import User
from igor.accounts.roles import Cap
from igor.audit.forms import AuditFilterForm
from igor.audit.models import AuditEvent
from igor.audit.record import record
from igor.lib.web import PAGE_SIZE, page_number, paginate, role_of, staff


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """A lead reviews the events of staff in their own organisation and units."""
    return AuditEvent.objects.filter(actor__in=_colleagues(user).values("pk"))


def _colleagues(user: User) -> QuerySet[User]:
    return User.objects.filter(organisation=user.organisation, units__in=user.unit_ids()).distinct()


def _filtered(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    if data.get("actor"):
        events = events.filter(actor=data["actor"])
    if data.get("person"):
        events = events.filter(person_id=data["person"])
    if data.get("case"):
        events = events.filter(case_id=data["case"])
    if data.get("verb"):
        events = events.filter(verb=data["verb"])
    if data.get("acting_role"):
        events = events.filter(acting_role=data["acting_role"])
    if data.get("break_glass"):
        events = events.filter(break_glass=True)
    zone = timezone.get_current_timezone()
    if data.get("date_from"):
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, zone)
        events = events.filter(at__gte=start)
    if data.get("date_to"):
        end = datetime.datetime.combine(
            data["date_to"] + datetime.timedelta(days=1), datetime.time.min, zone
        )
        events = events.filter(at__lt=end)
    return events


@requires(Cap.VIEW_AUDIT)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = AuditFilterForm(request.GET or None)
    actor_field = form.fields["actor"]
    assert isinstance(actor_field, ModelChoiceField)
    actor_field.queryset = _colleagues(user).order_by("username")
    data = form.cleaned_data if form.is_valid() else {}
    number = page_number(data.get("page"))
    events = _filtered(events_visible_to(user), data).select_related("actor").order_by("-seq")
    offset = (number - 1) * PAGE_SIZE
    page = paginate(list(events[offset : offset + PAGE_SIZE + 1]), number)
    record(
        actor=user,
        verb="search",
        object_type="audit",
        purpose="log review",
        acting_role=role_of(request),
        data={"filters": sorted(k for k, v in data.items() if v)},
    )
    return TemplateResponse(request, "audit/search.html", {"form": form, "page": page})
