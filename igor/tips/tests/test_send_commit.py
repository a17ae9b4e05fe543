"""A tip's send is one commit: the tip, its receipt handover, its audit event, the end of its
draft and the anonymous session change (igor.tips.session_store). A replay finds the first tip."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from igor.audit.models import AuditEvent
from igor.tips import actions, session
from igor.tips.models import Draft, Kind, ReceiptHandover, Tip
from igor.tips.tests.make import TipWorld, Visitor


def _walk_to_the_send(visitor: Visitor) -> None:
    """Steps 1-4 through the pages, stopping before the send."""
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    visitor.post(
        "tipsa/",
        {"step": 2, "what_happened": "Skrik och dunsar.", "when_text": "Fredag", "place": ""},
    )
    visitor.post(
        "tipsa/",
        {
            "step": 3,
            "people_involved": "En man och en kvinna",
            "children_in_home": "yes",
            "weapons": "no",
            "threats": "yes",
        },
    )
    visitor.post("tipsa/", {"step": 4, "how_known": "neighbour"})


def _send(visitor: Visitor) -> Any:
    return visitor.post("tipsa/", {"step": 5, "go": "next"})


def _stored_session(visitor: Visitor) -> dict[str, Any]:
    key = visitor.client.cookies[settings.SESSION_COOKIE_NAME].value
    return dict(Session.objects.get(session_key=key).get_decoded())


def test_the_send_commits_the_tip_its_event_and_the_session_change_together(
    committed_db: None, world: TipWorld
) -> None:
    visitor = Visitor()
    _walk_to_the_send(visitor)
    assert Draft.objects.count() == 1
    tips_before = set(Tip.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = _send(visitor)
    assert response.status_code == 302
    (tip,) = Tip.objects.exclude(pk__in=tips_before)
    assert ReceiptHandover.objects.filter(tip=tip).exists()
    assert AuditEvent.objects.filter(object_type="tip", object_id=tip.pk, verb="create").exists()
    assert not Draft.objects.exists()
    assert session.DRAFT not in _stored_session(visitor)
    sql = [q["sql"] for q in queries.captured_queries]
    commits = [i for i, text in enumerate(sql) if text.upper().startswith("COMMIT")]
    session_writes = [i for i, text in enumerate(sql) if 'UPDATE "django_session"' in text]
    assert len(commits) == 1
    assert len(session_writes) == 1 and session_writes[0] < commits[0]


def test_a_replayed_submission_key_finds_the_first_tip(world: TipWorld) -> None:
    key = secrets.token_urlsafe(32)
    first = _submit(world, key)
    count = Tip.objects.count()
    with pytest.raises(actions.AlreadySent) as replay:
        _submit(world, key)
    assert replay.value.tip.pk == first.tip.pk
    assert Tip.objects.count() == count


def test_a_replay_in_its_own_transaction_adds_no_tip_and_no_event(
    committed_db: None, world: TipWorld
) -> None:
    key = secrets.token_urlsafe(32)
    first = _submit(world, key)
    tips, events = Tip.objects.count(), AuditEvent.objects.count()
    with pytest.raises(actions.AlreadySent) as replay:
        _submit(world, key)
    assert replay.value.tip.pk == first.tip.pk
    assert (Tip.objects.count(), AuditEvent.objects.count()) == (tips, events)


def _submit(world: TipWorld, key: str) -> actions.Sent:
    return actions.submit(
        unit=world.line_a.unit,
        kind=Kind.TIP,
        language="sv",
        details={"what_happened": "Bråk hos grannen."},
        contact={},
        submission_key=key,
    )
