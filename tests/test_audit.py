"""The audit trail: written in the same transaction as the change, and tamper-evident."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from igor.accounts.actions import deactivate_user
from igor.accounts.models import User
from igor.audit import record as audit_record
from igor.audit.chain import compute_mac
from igor.audit.models import AuditEvent, ChainHead, Disclosure
from igor.audit.record import record, record_disclosure, verify
from igor.cases.models import Case, Incident, JournalEntry
from igor.people.models import Person
from tests.builders import make_case, make_incident, make_journal_entry, make_person
from tests.personas import Personas


def _tamper(sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change the table behind the application's back, as someone with database access could.

    On PostgreSQL the append-only triggers would refuse, so they are switched off for this
    transaction only (the test database user is a superuser).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def _reasons(seq: int | None = None) -> list[str]:
    return [p.reason for p in verify() if seq is None or p.seq == seq]


@pytest.fixture
def chain(personas: Personas) -> list[AuditEvent]:
    """At least ten events from ordinary use: staff creation, a person, a case, a note."""
    person = make_person(personas.police_a)
    case = make_case(personas.police_a)
    make_journal_entry(personas.police_a, case)
    record(actor=personas.police_a, verb="read", object_type="person", object_id=person.pk)
    events = list(AuditEvent.objects.order_by("seq"))
    assert len(events) >= 10 and verify() == []
    return events


# --- Same transaction --------------------------------------------------------------------------


def _failing_mac(*args: Any, **kwargs: Any) -> str:
    raise RuntimeError("the audit write failed")


ACTIONS: dict[str, Callable[[Personas], object]] = {
    "register person": lambda p: make_person(p.police_a),
    "open case": lambda p: make_case(p.social_a),
}


@pytest.mark.parametrize("action", ACTIONS, ids=list(ACTIONS))
def test_it_saves_nothing_when_the_audit_write_fails(personas: Personas, action: str) -> None:
    before = (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    with mock.patch.object(audit_record, "compute_mac", _failing_mac):
        with pytest.raises(RuntimeError):
            ACTIONS[action](personas)
    after = (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert verify() == []


def test_it_saves_no_incident_or_journal_entry_when_the_audit_write_fails(
    personas: Personas,
) -> None:
    case = make_case(personas.police_a)
    with mock.patch.object(audit_record, "compute_mac", _failing_mac):
        with pytest.raises(RuntimeError):
            make_incident(personas.police_a, case)
        with pytest.raises(RuntimeError):
            make_journal_entry(personas.police_a, case)
    assert not Incident.objects.exists() and not JournalEntry.objects.exists()


def test_it_keeps_the_account_active_when_the_last_audit_write_of_a_deactivation_fails(
    personas: Personas,
) -> None:
    """Deactivation writes two events (sessions ended, account changed); both or neither."""
    calls = {"count": 0}

    def second_fails(*args: Any, **kwargs: Any) -> str:
        calls["count"] += 1
        if calls["count"] == 2:
            raise RuntimeError("the audit write failed")
        return compute_mac(*args, **kwargs)

    before = AuditEvent.objects.count()
    with mock.patch.object(audit_record, "compute_mac", second_fails):
        with pytest.raises(RuntimeError):
            deactivate_user(actor=personas.admin, user=personas.police_a)
    assert User.objects.get(pk=personas.police_a.pk).is_active
    assert AuditEvent.objects.count() == before
    assert verify() == []


def test_it_keeps_no_audit_event_when_the_disclosure_row_fails(personas: Personas) -> None:
    """The disclosure register row is written after its event; a failure there undoes both."""
    before = (AuditEvent.objects.count(), Disclosure.objects.count())
    with pytest.raises(IntegrityError):
        record_disclosure(
            actor=personas.police_b,
            from_organisation=personas.social_org_b,
            basis=None,
            break_glass=True,
            object_type="person",
            object_id=None,  # type: ignore[arg-type]  # the register demands it: NOT NULL
            person_id=None,
            case_id=None,
            purpose="test",
            acting_role="investigation",
        )
    assert (AuditEvent.objects.count(), Disclosure.objects.count()) == before
    assert verify() == []


# --- verify() ----------------------------------------------------------------------------------


def test_it_finds_an_untouched_chain_intact(chain: list[AuditEvent]) -> None:
    assert verify() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("purpose", "nothing to see"),
        ("verb", "read"),
        ("object_id", 424242),
        ("actor_label", "someone else"),
        ("break_glass", True),
        ("at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("data", '{"fields": []}'),
    ],
)
def test_it_detects_a_changed_field(chain: list[AuditEvent], column: str, value: object) -> None:
    target = chain[4].seq
    _tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", (value, target))  # noqa: S608
    assert "content does not match its MAC" in _reasons(target)


def test_it_detects_a_change_to_any_single_event(chain: list[AuditEvent]) -> None:
    for event in chain:
        with transaction.atomic():
            _tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ("x", event.seq))
            assert _reasons(event.seq), f"a change to event {event.seq} went unnoticed"
            transaction.set_rollback(True)
    assert verify() == []


def test_it_detects_a_deleted_event(chain: list[AuditEvent]) -> None:
    gone = chain[3].seq
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", (gone,))
    reasons = _reasons(gone + 1)
    assert f"expected event {gone}, found {gone + 1}" in reasons
    assert "does not link to the event before it" in reasons


def test_it_detects_two_swapped_events(chain: list[AuditEvent]) -> None:
    first, second = chain[5].seq, chain[6].seq
    _tamper("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", (first,))
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", (first, second))
    _tamper("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", (second,))
    assert "does not link to the event before it" in _reasons(first)
    assert "content does not match its MAC" in _reasons(first)


def test_it_detects_an_inserted_event_with_a_forged_mac(chain: list[AuditEvent]) -> None:
    head = ChainHead.objects.get()
    fields = {
        "seq": head.seq + 1,
        "at": "2026-01-01T00:00:00+00:00",
        "actor_id": None,
        "actor_label": "system",
        "organisation_id": None,
        "verb": "read",
        "object_type": "person",
        "object_id": 1,
        "person_id": 1,
        "case_id": None,
        "purpose": "nothing happened here",
        "basis": "",
        "acting_role": "",
        "break_glass": False,
        "data": {},
    }
    forged = compute_mac(b"a key guessed by the forger", head.mac, fields)
    AuditEvent.objects.create(
        **{**fields, "at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
        prev_mac=head.mac,
        mac=forged,
    )
    ChainHead.objects.filter(pk=head.pk).update(seq=head.seq + 1, mac=forged)
    assert _reasons(head.seq + 1) == ["content does not match its MAC"]


def test_it_detects_a_cut_tail(chain: list[AuditEvent]) -> None:
    last = chain[-1].seq
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", (last,))
    assert _reasons() == ["the last event does not match the chain head"]


# --- `igor audit verify` -----------------------------------------------------------------------


def test_it_reports_an_intact_chain_from_the_command(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("audit", "verify")
    assert capsys.readouterr().out.splitlines()[0] == f"intact: {len(chain)} events"


def test_it_exits_non_zero_from_the_command_when_the_chain_is_broken(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    target = chain[2].seq
    _tamper("UPDATE audit_auditevent SET purpose = 'edited' WHERE seq = %s", (target,))
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1
    assert f"event {target}: content does not match its MAC" in capsys.readouterr().err


# --- PostgreSQL refuses changes to the append-only tables --------------------------------------


@pytest.fixture
def append_only_rows(chain: list[AuditEvent], personas: Personas) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL; on SQLite the chain guards")
    record_disclosure(
        actor=personas.police_b,
        from_organisation=personas.social_org_b,
        basis=None,
        break_glass=True,
        object_type="person",
        object_id=1,
        person_id=1,
        case_id=None,
        purpose="test",
        acting_role="investigation",
    )
    assert JournalEntry.objects.exists()
    yield


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_disclosure", "cases_journalentry"])
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table} CASCADE"],
    ids=["update", "delete", "truncate"],
)
def test_it_refuses_changes_to_append_only_tables_on_postgresql(
    append_only_rows: None, table: str, statement: str
) -> None:
    with connection.cursor() as cursor:
        # Check this transaction's deferred foreign keys now: PostgreSQL will not truncate a
        # table with pending trigger events, and the refusal under test must be ours.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))


def test_it_refuses_an_orm_update_or_delete_of_an_event_on_postgresql(
    append_only_rows: None,
) -> None:
    event = AuditEvent.objects.order_by("seq").first()
    assert event is not None
    event.purpose = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert verify() == []


# --- Appends from several connections at once ------------------------------------------------


def test_appends_from_several_connections_at_once_make_one_unbroken_chain(
    committed_db: None,
) -> None:
    """Each thread has its own database connection and transaction; the chain head's lock makes
    them take turns, so the events get consecutive numbers and every one links to the last."""
    import threading

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database locks whole tables across connections")

    from django.db import connections

    threads, per_thread = 4, 10
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def append(number: int) -> None:
        try:
            start.wait()
            for step in range(per_thread):
                with transaction.atomic():
                    record(actor=None, actor_label="test", verb="read", object_id=step)
                    record(actor=None, actor_label="test", verb="read", object_id=-number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == threads * per_thread * 2
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert ChainHead.objects.get().seq == seqs[-1]
    assert verify() == []
