"""Conference actions: marked done and reopened by their owning organisation, with who and when
and an audit event; open ones come up at the next conference; overdue ones are listed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from igor.audit.models import AuditEvent
from igor.cases.actions import record_incident
from igor.risk import actions
from igor.risk.access import case_flags
from igor.risk.models import ConferenceAction
from igor.risk.tests.helpers import RiskWorld, risk_world
from igor.sharing import policy
from tests.personas import Personas, logged_in

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(personas: Personas) -> RiskWorld:
    return risk_world(personas)


def _action(
    world: RiskWorld, owner_name: str = "social_a", due: int = 3, held: int = 0
) -> ConferenceAction:
    officer = world.p.police_a
    conference = actions.create_conference(
        actor=officer,
        unit=world.p.unit_a,
        kind="huddle",
        held_on=timezone.localdate() + held * DAY,
    )
    item = actions.add_to_agenda(actor=officer, conference=conference, case=world.case, reasons=[])
    return actions.add_conference_action(
        actor=officer,
        item=item,
        description="Ansök om kontaktförbud",
        owner=getattr(world.p, owner_name),
        due_on=timezone.localdate() + due * DAY,
    )


def _done_url(action: ConferenceAction) -> str:
    return f"/risk/samrad/{action.item.conference_id}/arenden/{action.item_id}/atgard/klar/"


def test_the_owning_organisation_marks_an_action_done_and_reopens_it(world: RiskWorld) -> None:
    action = _action(world)  # a police case's action for social services
    worker = logged_in(world.p.social_a)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = worker.post(_done_url(action), {"action": action.pk, "done": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by_id == world.p.social_a.pk
    event = AuditEvent.objects.filter(seq__gt=seq, object_type="conference_action").get()
    assert (event.verb, event.data["done"], event.actor_id) == ("update", True, world.p.social_a.pk)
    # Twice: a message, nothing changes.
    again = worker.post(_done_url(action), {"action": action.pk, "done": "1"}, follow=True)
    assert "redan klar" in again.content.decode()
    assert worker.post(_done_url(action), {"action": action.pk, "done": "0"}).status_code == 302
    action.refresh_from_db()
    assert action.done_at is None and action.done_by is None


@pytest.mark.parametrize("name", ["police_a", "police_b", "social_b"])
def test_no_one_else_changes_an_action(world: RiskWorld, name: str) -> None:
    action = _action(world)  # owned by social services of unit A
    client = logged_in(getattr(world.p, name))
    assert client.post(_done_url(action), {"action": action.pk, "done": "1"}).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.set_conference_action_done(actor=getattr(world.p, name), action=action, done=True)
    action.refresh_from_db()
    assert action.done_at is None


def test_bad_input_changes_nothing(world: RiskWorld) -> None:
    action = _action(world)
    worker = logged_in(world.p.social_a)
    for data in ({}, {"action": "x", "done": "1"}, {"action": action.pk, "done": "maybe"}):
        assert worker.post(_done_url(action), data).status_code == 404
    assert worker.get(_done_url(action)).status_code == 405
    assert logged_in(world.p.researcher).post(_done_url(action), {}).status_code == 403
    action.refresh_from_db()
    assert action.done_at is None
    with pytest.raises(ValidationError):
        actions.set_conference_action_done(actor=world.p.social_a, action=action, done=False)


def test_open_actions_come_up_at_the_next_conference(world: RiskWorld) -> None:
    earlier = _action(world, held=-7)
    later = actions.create_conference(
        actor=world.p.police_a, unit=world.p.unit_a, kind="huddle", held_on=timezone.localdate()
    )
    police = logged_in(world.p.police_a)
    page = police.get(f"/risk/samrad/{later.pk}/").content.decode()
    assert "Öppna åtgärder från tidigare samråd" in page and "Ansök om kontaktförbud" in page
    actions.set_conference_action_done(actor=world.p.social_a, action=earlier, done=True)
    page = police.get(f"/risk/samrad/{later.pk}/").content.decode()
    assert "Ansök om kontaktförbud" not in page
    # Not at the earlier conference itself, nor in another unit.
    own = police.get(f"/risk/samrad/{earlier.item.conference_id}/").content.decode()
    assert "Öppna åtgärder från tidigare samråd" not in own


def test_overdue_actions_are_listed(world: RiskWorld) -> None:
    late = _action(world, due=-2, held=-9)
    _action(world, due=5)
    page = logged_in(world.p.social_a).get("/risk/samrad/").content.decode()
    assert page.count(">Ansök om kontaktförbud</td>") == 1 and "Försenad" in page
    # The police case's action is social services' own: listed for them without the case.
    assert world.case.title not in page
    assert late.item.case.reference not in page
    # Another unit sees nothing of it.
    other = logged_in(world.p.social_b).get("/risk/samrad/").content.decode()
    assert "Ansök om kontaktförbud" not in other


def test_a_conference_held_today_counts_just_after_local_midnight(world: RiskWorld) -> None:
    """At 00:30 in Stockholm it is still yesterday in UTC. A conference held today (local date)
    has discussed an incident of three days ago; only the earlier conference's is past."""
    stockholm = datetime.timezone(datetime.timedelta(hours=1))  # winter time, as on this date
    half_past_midnight = datetime.datetime(2026, 11, 28, 0, 30, tzinfo=stockholm)
    with time_machine.travel(half_past_midnight, tick=False):
        officer = world.p.police_a
        today = timezone.localdate()
        assert today == datetime.date(2026, 11, 28) != timezone.now().date()
        for held_on in (today - 10 * DAY, today):
            meeting = actions.create_conference(
                actor=officer, unit=world.p.unit_a, kind="huddle", held_on=held_on
            )
            actions.add_to_agenda(
                actor=officer, conference=meeting, case=world.case, reasons=["high_level"]
            )
        before_the_incident = case_flags(policy.get_case_for(officer, world.case.pk))[0]
        record_incident(
            actor=officer,
            case=world.case,
            details={"occurred_at": timezone.now() - 3 * DAY, "kinds": ["physical"]},
        )
        flags, _ = case_flags(policy.get_case_for(officer, world.case.pk))
        assert before_the_incident == []
        assert "incident_after_conference" not in {flag.code for flag in flags}
