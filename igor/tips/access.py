"""Who sees which tips, and how much of them.

Tips belong to the joint unit they were sent to, not to one of its organisations: staff of the
unit with VIEW_TIPS see the queue and the sanitised summary; the raw tip, the tipster's contact
details and the dialogue are for the triage role (TRIAGE_TIPS) alone. Another unit's tip is
missing (404), like any row outside a user's reach.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.tips.models import HelpEntry, Status, Tip


def tips_visible_to(user: User) -> QuerySet[Tip]:
    if not user.is_authenticated or not user.can(Cap.VIEW_TIPS):
        return Tip.objects.none()
    return Tip.objects.filter(unit_id__in=user.unit_ids())


def get_tip_for(user: User, pk: int) -> Tip:
    tip = tips_visible_to(user).select_related("unit", "assigned_to", "case").filter(pk=pk).first()
    if tip is None:
        raise Http404
    return tip


def may_read_raw(user: User, tip: Tip) -> bool:
    """The triage rule: the raw tip, contact details and dialogue only for the triage role."""
    return user.can(Cap.TRIAGE_TIPS) and tip.unit_id in user.unit_ids()


def queue(user: User, show: str = "open") -> QuerySet[Tip]:
    rows = tips_visible_to(user).select_related("assigned_to", "unit")
    if show == "open":
        rows = rows.exclude(status=Status.CLOSED)
    elif show == "closed":
        rows = rows.filter(status=Status.CLOSED)
    unread = Count("messages", filter=Q(messages__from_unit=False, messages__read_at__isnull=True))
    return rows.annotate(unread=unread).order_by("status", "-received_at", "-id")


def audit_tip_read(user: User, tip: Tip, *, raw: bool) -> None:
    """Who read a tip, and whether they read the raw tip (the trail of who saw the tipster)."""
    record(
        actor=user,
        verb="read",
        object_type="tip",
        object_id=tip.pk,
        case_id=tip.case_id,
        purpose="triage: raw tip" if raw else "tip summary",
        data={"raw": raw},
    )


def managed_unit(user: User, wanted: str | None = None) -> Unit:
    """The unit whose tip line a lead manages: the chosen one of theirs, else their first."""
    if not user.can(Cap.MANAGE_TIP_LINE):
        raise Http404
    units = list(user.units.order_by("name"))
    chosen = next((u for u in units if str(u.pk) == wanted), units[0] if units else None)
    if chosen is None:
        raise Http404
    return chosen


def get_help_entry_for(user: User, pk: int) -> HelpEntry:
    if not user.can(Cap.MANAGE_TIP_LINE):
        raise Http404
    entry = (
        HelpEntry.objects.filter(pk=pk, unit_id__in=user.unit_ids()).select_related("unit").first()
    )
    if entry is None:
        raise Http404
    return entry
