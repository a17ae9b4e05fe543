"""Writing audit events. Callers are actions (and read views) inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from igor.audit.chain import GENESIS, ChainProblem, compute_mac, find_problems
from igor.audit.models import AuditEvent, ChainHead, Disclosure

if TYPE_CHECKING:
    from igor.accounts.models import Organisation, User
    from igor.sharing.models import SharingBasis


def _key() -> bytes:
    return str(settings.AUDIT_HMAC_KEY).encode()


def record(
    *,
    actor: User | None,
    verb: str,
    object_type: str = "",
    object_id: int | None = None,
    person_id: int | None = None,
    case_id: int | None = None,
    purpose: str = "",
    basis: str = "",
    acting_role: str = "",
    break_glass: bool = False,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        now = timezone.now()
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": now.isoformat(),
            "actor_id": actor.pk if actor else None,
            "actor_label": actor_label or (actor.get_username() if actor else ""),
            "organisation_id": actor.organisation_id if actor else None,
            "verb": verb,
            "object_type": object_type,
            "object_id": object_id,
            "person_id": person_id,
            "case_id": case_id,
            "purpose": purpose[:200],
            "basis": basis[:200],
            "acting_role": acting_role,
            "break_glass": break_glass,
            "data": data or {},
        }
        mac = compute_mac(_key(), head.mac, fields)
        event = AuditEvent.objects.create(
            **{**fields, "at": now},
            prev_mac=head.mac,
            mac=mac,
        )
        head.seq, head.mac = event.seq, mac
        head.save(update_fields=["seq", "mac"])
        return event


@transaction.atomic
def record_disclosure(
    *,
    actor: User,
    from_organisation: Organisation,
    basis: SharingBasis | None,
    break_glass: bool,
    object_type: str,
    object_id: int,
    person_id: int | None,
    case_id: int | None,
    purpose: str,
    acting_role: str,
    data: dict[str, Any] | None = None,
) -> Disclosure:
    """A read across the wall: an audit event and a row in the disclosure register, together."""
    assert actor.organisation is not None
    basis_label = basis.label() if basis else "break-the-glass"
    event = record(
        actor=actor,
        verb="disclose",
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        case_id=case_id,
        purpose=purpose,
        basis=basis_label,
        acting_role=acting_role,
        break_glass=break_glass,
        data=data,
    )
    return Disclosure.objects.create(
        at=event.at,
        actor=actor,
        from_organisation=from_organisation,
        to_organisation=actor.organisation,
        basis=basis,
        break_glass=break_glass,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        audit_event=event,
    )


def _events_in_order() -> Iterator[dict[str, Any]]:
    for event in AuditEvent.objects.order_by("seq").values().iterator(chunk_size=2000):
        row: dict[str, Any] = dict(event)
        row["at"] = event["at"].isoformat()
        yield row


def verify() -> list[ChainProblem]:
    """Check the whole chain against the key and the head; an empty list means intact."""
    head = ChainHead.objects.filter(id=1).first()
    head_seq, head_mac = (head.seq, head.mac) if head else (0, GENESIS)
    return find_problems(_key(), _events_in_order(), head_seq, head_mac)
