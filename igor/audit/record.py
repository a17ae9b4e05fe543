"""Writing audit events. Callers are actions (and read views) inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from igor.audit.anchor import (
    ANCHOR,
    RESEAL,
    Anchor,
    append_anchor,
    find_anchor_problems,
    make_anchor,
    read_anchors,
)
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
    """Append one event to the chain, in the caller's transaction.

    No savepoint of its own: a failed append fails the caller's whole transaction, which is
    what an action needs (its change is not kept without its event), and the savepoint would
    cost two statements on every write and audited read."""
    with transaction.atomic(savepoint=False):
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


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(id=1).first()
    return (head.seq, head.mac) if head else (0, GENESIS)


def _macs_of(seqs: list[int]) -> Mapping[int, str]:
    return dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "mac"))


def verify(anchors: list[Anchor] | None = None) -> list[ChainProblem]:
    """Check the whole chain against the key and the head, and against published anchors.

    An empty list means intact (and, with anchors, nothing anchored was cut or rewritten).
    """
    head_seq, head_mac = _head()
    problems = find_problems(_key(), _events_in_order(), head_seq, head_mac)
    if anchors:
        problems += find_anchor_problems(_key(), anchors, head_seq, _macs_of)
    return problems


class ChainBroken(Exception):
    """The chain, or its anchors, show problems: nothing is anchored on top of them."""

    def __init__(self, problems: list[ChainProblem]) -> None:
        super().__init__(f"the audit trail is broken: {len(problems)} problem(s)")
        self.problems = problems


def _existing_anchors(path: Path) -> list[Anchor]:
    return read_anchors(path) if path.exists() else []


def anchor(path: Path) -> Anchor:
    """Publish the chain head: append a signed anchor to `path`, after checking the chain.

    Raises ChainBroken, and writes nothing, when the chain or the earlier anchors show a problem.
    """
    anchors = _existing_anchors(path)
    head_seq, head_mac = _head()  # read first: the check below covers at least this far
    problems = verify(anchors)
    if problems:
        raise ChainBroken(problems)
    line = make_anchor(
        _key(),
        seq=head_seq,
        mac=head_mac,
        at=timezone.now().isoformat(),
        prev=anchors[-1].sig if anchors else "",
        kind=ANCHOR,
    )
    append_anchor(path, line)
    return line


def reseal(path: Path, *, reason: str) -> Anchor:
    """After restoring an older database on purpose: record it, and anchor the new head.

    The chain itself must be intact. Anchors of events the restore lost stop counting.
    """
    anchors = _existing_anchors(path)
    problems = verify()
    if problems:
        raise ChainBroken(problems)
    with transaction.atomic():
        kept, _ = _head()
        event = record(
            actor=None,
            actor_label="igor audit reseal",
            verb="update",
            object_type="audit_chain",
            purpose=reason,
            data={
                "restored_to_event": kept,
                "last_anchored_event": max((a.seq for a in anchors), default=0),
            },
        )
    line = make_anchor(
        _key(),
        seq=event.seq,
        mac=event.mac,
        at=timezone.now().isoformat(),
        prev=anchors[-1].sig if anchors else "",
        kind=RESEAL,
        reason=reason[:200],
    )
    append_anchor(path, line)
    return line
