"""Anchors: the audit chain's head published outside the database shows a cut or rewritten tail."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from igor.audit.anchor import read_anchors
from igor.audit.models import AuditEvent, ChainHead
from igor.audit.record import record, verify
from tests.builders import make_person
from tests.personas import Personas
from tests.test_audit import _tamper


def _audit(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _failing(*args: str) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", *args, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return str(failure.value), err.getvalue()


def _cut_tail(count: int) -> None:
    """What someone with database access but without the audit key can do unnoticed by the chain.

    Delete the newest events and set the chain head back to the last one left.
    """
    events = list(AuditEvent.objects.order_by("-seq")[: count + 1])
    kept = events[-1]
    for event in events[:-1]:
        _tamper("DELETE FROM audit_auditevent WHERE seq = %s", (event.seq,))
    _tamper("UPDATE audit_chainhead SET seq = %s, mac = %s", (kept.seq, kept.mac))


@pytest.fixture
def trail(personas: Personas) -> list[AuditEvent]:
    """A chain of events from ordinary use."""
    for _ in range(3):
        make_person(personas.police_a)
    events = list(AuditEvent.objects.order_by("seq"))
    assert len(events) >= 5 and verify() == []
    return events


@pytest.fixture
def anchors(tmp_path: Path) -> Path:
    return tmp_path / "anchors.jsonl"


def test_it_appends_the_signed_head_to_the_file_and_prints_it(
    personas: Personas, trail: list[AuditEvent], anchors: Path
) -> None:
    out, _ = _audit("anchor", "--file", str(anchors))
    printed = json.loads(out)
    head = ChainHead.objects.get()
    assert (printed["seq"], printed["mac"], printed["kind"]) == (head.seq, head.mac, "anchor")
    assert anchors.read_text().strip() == out.strip()
    make_person(personas.police_a)  # the chain grows
    _audit("anchor", "--file", str(anchors))
    saved = read_anchors(anchors)
    assert [a.seq for a in saved] == [head.seq, ChainHead.objects.get().seq]
    assert saved[1].prev == saved[0].sig
    out, _ = _audit("verify", "--anchors", str(anchors))
    assert out.splitlines()[0] == f"intact: {AuditEvent.objects.count()} events"
    assert "matches 2 anchors" in out


def test_it_uses_the_configured_anchor_file(trail: list[AuditEvent], anchors: Path) -> None:
    with override_settings(AUDIT_ANCHOR_FILE=str(anchors)):
        _audit("anchor")
        assert "matches 1 anchors" in _audit("verify")[0]
    assert anchors.exists()


def test_it_detects_a_cut_tail_that_the_chain_alone_cannot(
    trail: list[AuditEvent], anchors: Path
) -> None:
    _audit("anchor", "--file", str(anchors))
    anchored = ChainHead.objects.get().seq
    _cut_tail(2)
    assert verify() == []  # the chain alone looks whole
    message, err = _failing("verify", "--anchors", str(anchors))
    assert "the audit trail is broken" in message
    assert f"the chain ends at event {anchored - 2}" in err
    assert "newer events were removed" in err


def test_it_detects_a_cut_tail_written_over_with_new_events(
    personas: Personas, trail: list[AuditEvent], anchors: Path
) -> None:
    _audit("anchor", "--file", str(anchors))
    anchored = ChainHead.objects.get().seq
    _cut_tail(2)
    for _ in range(3):  # the application carries on and numbers past the anchor again
        record(actor=personas.police_a, verb="read", object_type="person", object_id=1)
    assert verify() == []
    _, err = _failing("verify", "--anchors", str(anchors))
    assert f"event {anchored} is not the one anchored" in err
    assert "the chain was rewritten" in err


def test_it_refuses_to_anchor_a_broken_chain(trail: list[AuditEvent], anchors: Path) -> None:
    _audit("anchor", "--file", str(anchors))
    before = anchors.read_text()
    _cut_tail(1)
    message, _ = _failing("anchor", "--file", str(anchors))
    assert "nothing anchored" in message
    assert anchors.read_text() == before
    _tamper("UPDATE audit_auditevent SET purpose = 'edited' WHERE seq = %s", (trail[1].seq,))
    fresh = anchors.with_suffix(".new")
    _failing("anchor", "--file", str(fresh))  # an edited event: refused, even in a new file
    assert not fresh.exists()


def test_it_detects_a_forged_or_removed_anchor_line(trail: list[AuditEvent], anchors: Path) -> None:
    for _ in range(3):
        record(actor=None, actor_label="t", verb="read")
        _audit("anchor", "--file", str(anchors))
    lines = anchors.read_text().splitlines()

    edited = json.loads(lines[2])
    edited["seq"] -= 1  # pretend the newest anchor saw less
    anchors.write_text("\n".join([*lines[:2], json.dumps(edited)]) + "\n")
    _, err = _failing("verify", "--anchors", str(anchors))
    assert "is not genuine" in err

    anchors.write_text("\n".join([lines[0], lines[2]]) + "\n")
    _, err = _failing("verify", "--anchors", str(anchors))
    assert "does not follow the one before it" in err


def test_it_accepts_a_deliberate_restore_once_resealed(
    personas: Personas, trail: list[AuditEvent], anchors: Path
) -> None:
    early = ChainHead.objects.get().seq
    _audit("anchor", "--file", str(anchors))
    record(actor=personas.police_a, verb="read", object_type="person", object_id=1)
    record(actor=personas.police_a, verb="read", object_type="person", object_id=2)
    _audit("anchor", "--file", str(anchors))
    _cut_tail(2)  # the database was restored from the backup taken at the first anchor
    _failing("verify", "--anchors", str(anchors))

    out, _ = _audit("reseal", "--reason", "restored the backup of 03:00", "--file", str(anchors))
    assert json.loads(out)["kind"] == "reseal"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.object_type == "audit_chain"
    assert event.data == {"restored_to_event": early, "last_anchored_event": early + 2}
    assert event.purpose == "restored the backup of 03:00"
    assert "matches 3 anchors" in _audit("verify", "--anchors", str(anchors))[0]

    # Anchors from before the restore still guard the events it kept.
    _tamper("UPDATE audit_chainhead SET seq = %s", (early - 1,))
    _tamper("DELETE FROM audit_auditevent WHERE seq >= %s", (early,))
    _, err = _failing("verify", "--anchors", str(anchors))
    assert "newer events were removed" in err


def test_it_reseals_only_an_intact_chain(trail: list[AuditEvent], anchors: Path) -> None:
    _tamper("UPDATE audit_auditevent SET purpose = 'edited' WHERE seq = %s", (trail[1].seq,))
    message, _ = _failing("reseal", "--reason", "restore", "--file", str(anchors))
    assert "nothing resealed" in message
    assert not anchors.exists()


def test_it_explains_missing_or_unreadable_anchor_files(
    trail: list[AuditEvent], anchors: Path
) -> None:
    out, _ = _audit("verify")
    assert "no anchors: a cut of the newest events would not show" in out
    with pytest.raises(CommandError, match="cannot be read"):
        _audit("verify", "--anchors", str(anchors))
    anchors.write_text("not json\n")
    with pytest.raises(CommandError, match="line 1 is not an anchor"):
        _audit("verify", "--anchors", str(anchors))
    with pytest.raises(CommandError, match="no anchor file"):
        _audit("anchor")
    with pytest.raises(CommandError, match="cannot write"):
        _audit("anchor", "--file", str(anchors.parent / "missing" / "a.jsonl"))
    with pytest.raises(CommandError, match="must say what was restored"):
        _audit("reseal", "--reason", " ", "--file", str(anchors))
