"""Tips that led to nothing go after the retention period, with everything attached; a dry run first."""

from __future__ import annotations

import datetime
import io
from typing import Any

import time_machine
from django.core.management import call_command
from django.utils import timezone

from igor.audit.models import AuditEvent
from igor.tips import actions, rules
from igor.tips.models import ContactDetails, Message, Tip
from igor.tips.tests.make import TipWorld, send_tip

DAY = datetime.timedelta(days=1)


def _closed(world: TipWorld, outcome: str = "no_action") -> Tip:
    tip = send_tip(world.p.unit_a).tip
    tip = actions.write_summary(
        actor=world.p.triage_a, tip=tip, summary="Oro.", protect_tipster=False
    )
    actions.reply_to_tipster(actor=world.p.triage_a, tip=tip, body="Fråga?")
    if outcome == "outreach_planned":
        return actions.close_with_outcome(
            actor=world.p.triage_a, tip=tip, outcome=outcome, reason=""
        )
    return actions.close_with_outcome(
        actor=world.p.triage_a, tip=tip, outcome=outcome, reason="Inget att gå på."
    )


def test_the_rule_keeps_open_tips_and_tips_that_led_somewhere() -> None:
    now = timezone.now()
    old = now - 200 * DAY
    due: dict[str, Any] = {
        "status": "closed",
        "outcome": "no_action",
        "received_at": old,
        "closed_at": old,
        "now": now,
        "days": 90,
    }
    assert rules.retention_due(**due)
    assert not rules.retention_due(**{**due, "closed_at": now - 89 * DAY})
    assert not rules.retention_due(**{**due, "outcome": "new_case"})
    assert not rules.retention_due(**{**due, "status": "triaged"})


def test_the_dry_run_lists_and_deletes_nothing_then_the_run_deletes_all_of_it(
    world: TipWorld,
) -> None:
    nothing = _closed(world)
    kept = _closed(world, "outreach_planned")
    assert ContactDetails.objects.filter(tip=nothing).exists()
    with time_machine.travel(timezone.now() + 91 * DAY):
        out = io.StringIO()
        call_command("tips_retention", "--dry-run", stdout=out)
        assert nothing.reference in out.getvalue()
        assert kept.reference not in out.getvalue()
        assert Tip.objects.filter(pk=nothing.pk).exists()
        call_command("tips_retention", stdout=io.StringIO())
    assert not Tip.objects.filter(pk=nothing.pk).exists()
    assert not Message.objects.filter(tip_id=nothing.pk).exists()
    assert not ContactDetails.objects.filter(tip_id=nothing.pk).exists()
    assert Tip.objects.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.filter(
        verb="delete", object_type="tip", object_id=nothing.pk, purpose="retention deletion"
    ).exists()


def test_nothing_is_due_before_the_period_ends(world: TipWorld) -> None:
    tip = _closed(world)
    with time_machine.travel(timezone.now() + 89 * DAY):
        assert actions.delete_for_retention() == []
    assert Tip.objects.filter(pk=tip.pk).exists()
