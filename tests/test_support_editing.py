"""Issue 7: planned outreach contacts and booked transports are changed (and cancelled) by the
owning organisation, audited, with bad input beside the field and nothing half-saved."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from igor.audit.models import AuditEvent
from igor.support import actions as support
from igor.support.models import OutreachContact, Referral, Transport
from tests.personas import logged_in
from tests.test_support import Dyad, _share_everything, dyad

__all__ = ["dyad"]  # the fixture, used by name

DAY = datetime.timedelta(days=1)


def _planned(d: Dyad) -> OutreachContact:
    return support.plan_outreach(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        method="home_visit",
        planned_for=timezone.now() + 2 * DAY,
    )


def _ride(d: Dyad) -> Transport:
    return support.book_transport(
        actor=d.p.social_a,
        case=d.social_case,
        person=d.woman,
        purpose="police_interview",
        departs_at=timezone.now() + DAY,
        from_place="Hämtplatsen 3",
        to_place="Polishuset",
    )


def test_the_owner_changes_a_planned_contact(dyad: Dyad) -> None:
    contact = _planned(dyad)
    client = logged_in(dyad.p.police_a)
    url = reverse("support:edit_outreach", args=[dyad.police_case.pk, contact.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"method": "phone", "planned_for": "2099-02-01T09:15"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.method == "phone"
    assert timezone.localtime(contact.planned_for).strftime("%Y-%m-%d %H:%M") == "2099-02-01 09:15"
    event = AuditEvent.objects.filter(object_type="outreach_contact", verb="update").get()
    assert sorted(event.data["fields"]) == ["method", "planned_for"]


def test_a_change_without_a_time_saves_nothing(dyad: Dyad) -> None:
    contact = _planned(dyad)
    client = logged_in(dyad.p.police_a)
    url = reverse("support:edit_outreach", args=[dyad.police_case.pk, contact.pk])
    for bad in ("", "nästa vecka"):
        response = client.post(url, {"method": "phone", "planned_for": bad})
        body = response.content.decode()
        assert response.status_code == 200 and "error-summary" in body
        assert 'href="#id_planned_for"' in body
    contact.refresh_from_db()
    assert contact.method == "home_visit"
    assert not AuditEvent.objects.filter(object_type="outreach_contact", verb="update").exists()


def test_a_cancelled_contact_stays_on_record_but_leaves_the_calendar(dyad: Dyad) -> None:
    contact = _planned(dyad)
    client = logged_in(dyad.p.police_a)
    cancel = reverse("support:cancel_outreach", args=[dyad.police_case.pk, contact.pk])
    assert client.get(cancel).status_code == 405
    assert client.post(cancel).status_code == 302
    contact.refresh_from_db()
    assert contact.is_cancelled and not contact.is_planned
    assert AuditEvent.objects.filter(
        object_type="outreach_contact", verb="update", purpose="cancel planned outreach"
    ).exists()
    assert client.post(cancel).status_code == 404  # once only
    edit = reverse("support:edit_outreach", args=[dyad.police_case.pk, contact.pk])
    assert client.get(edit).status_code == 404
    assert "Ulf" not in client.get(reverse("support:calendar")).content.decode()
    page = client.get(reverse("support:case", args=[dyad.police_case.pk])).content.decode()
    assert "Inställd" in page


def test_only_the_owning_organisation_changes_them(dyad: Dyad) -> None:
    contact = _planned(dyad)
    _share_everything(dyad)  # social services shares with the police, not the other way
    ride = _ride(dyad)
    for name, case, item, route in (
        ("social_a", dyad.police_case, contact, "edit_outreach"),
        ("police_b", dyad.police_case, contact, "edit_outreach"),
        ("police_a", dyad.social_case, ride, "edit_transport"),
        ("social_b", dyad.social_case, ride, "edit_transport"),
    ):
        url = reverse(f"support:{route}", args=[case.pk, item.pk])
        client = logged_in(getattr(dyad.p, name))
        assert client.get(url).status_code == 404, (name, route)
        assert client.post(url, {}).status_code == 404, (name, route)
    cancel = reverse("support:cancel_outreach", args=[dyad.police_case.pk, contact.pk])
    assert logged_in(dyad.p.social_a).post(cancel).status_code == 404
    assert logged_in(dyad.p.researcher).post(cancel).status_code == 403
    contact.refresh_from_db()
    assert contact.is_planned


def test_the_owner_changes_a_booked_transport_and_its_places_stay_hidden(dyad: Dyad) -> None:
    ride = _ride(dyad)
    support.place_in_shelter(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        provider=dyad.shelter,
        moved_in_on=timezone.localdate(),
        address="Hemliga vägen 7",
    )  # she is protected now: the form does not show her places
    client = logged_in(dyad.p.social_a)
    url = reverse("support:edit_transport", args=[dyad.social_case.pk, ride.pk])
    page = client.get(url).content.decode()
    assert page.count("Hämtplatsen 3") == 0
    data = {
        "purpose": "court",
        "departs_at": "2099-03-01T08:00",
        "from_place": "",
        "to_place": "Tingsrätten",
        "safe_contact_seen": dyad.woman.pk,
    }
    assert client.post(url, data).status_code == 302
    ride.refresh_from_db()
    assert (ride.purpose, ride.from_place, ride.to_place) == (
        "court",
        "Hämtplatsen 3",
        "Tingsrätten",
    )
    assert AuditEvent.objects.filter(object_type="transport", verb="update").exists()


def test_a_transport_without_a_time_saves_nothing(dyad: Dyad) -> None:
    ride = _ride(dyad)
    client = logged_in(dyad.p.social_a)
    url = reverse("support:edit_transport", args=[dyad.social_case.pk, ride.pk])
    data = {
        "purpose": "court",
        "departs_at": "",
        "from_place": "A",
        "to_place": "B",
        "safe_contact_seen": dyad.woman.pk,
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_departs_at"' in body
    ride.refresh_from_db()
    assert (ride.purpose, ride.from_place) == ("police_interview", "Hämtplatsen 3")
    support.set_transport_status(actor=dyad.p.social_a, transport=ride, status="cancelled")
    assert client.get(url).status_code == 404  # only a booked transport changes


def _referral(d: Dyad) -> Referral:
    return support.send_referral(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        provider=d.treatment,
        purpose="Behandling",
        sent_on=timezone.localdate() - DAY,
    )


def test_a_sent_referral_is_corrected_and_an_unknown_provider_refused(dyad: Dyad) -> None:
    referral = _referral(dyad)
    client = logged_in(dyad.p.police_a)
    url = reverse("support:edit_referral", args=[dyad.police_case.pk, referral.pk])
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"provider": "999999", "purpose": "Annat", "sent_on": today})
    body = bad.content.decode()
    assert bad.status_code == 200 and 'href="#id_provider"' in body
    referral.refresh_from_db()
    assert referral.purpose == "Behandling"
    good = {"provider": dyad.treatment.pk, "purpose": "Behandlingsprogram", "sent_on": today}
    assert client.post(url, good).status_code == 302
    referral.refresh_from_db()
    assert referral.purpose == "Behandlingsprogram"
    assert referral.events.get().on == timezone.localdate()
    assert AuditEvent.objects.filter(object_type="referral", verb="update").exists()
    support.update_referral(
        actor=dyad.p.police_a,
        referral=referral,
        status="accepted",
        on=timezone.localdate(),
    )
    assert client.get(url).status_code == 404  # answered: no longer changed here


def test_an_intervention_is_corrected_but_never_ends_before_it_starts(dyad: Dyad) -> None:
    item = support.record_intervention(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        kind="advice",
        started_on=timezone.localdate() - 5 * DAY,
    )
    client = logged_in(dyad.p.social_a)
    url = reverse("support:edit_intervention", args=[dyad.social_case.pk, item.pk])
    start = (timezone.localdate() - 5 * DAY).isoformat()
    before_start = (timezone.localdate() - 6 * DAY).isoformat()
    bad = client.post(
        url,
        {
            "kind": "talk_individual",
            "started_on": start,
            "ended_on": before_start,
            "outcome": "achieved",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and 'href="#id_ended_on"' in body and "error-summary" in body
    item.refresh_from_db()
    assert (item.kind, item.ended_on) == ("advice", None)
    assert client.post(url, {"kind": "talk_individual", "started_on": start}).status_code == 302
    item.refresh_from_db()
    assert item.kind == "talk_individual"
    assert AuditEvent.objects.filter(object_type="intervention", verb="update").exists()
    assert logged_in(dyad.p.police_a).get(url).status_code == 404


def test_a_task_is_changed_by_its_organisation_only(dyad: Dyad) -> None:
    task = support.create_task(
        actor=dyad.p.police_a, unit=dyad.p.unit_a, title="Ring", due_on=timezone.localdate()
    )
    url = reverse("support:edit_task", args=[task.pk])
    client = logged_in(dyad.p.police_a)
    bad = client.post(url, {"title": "", "due_on": "", "unit": dyad.p.unit_a.pk})
    assert bad.status_code == 200 and 'href="#id_title"' in bad.content.decode()
    data = {"title": "Ring igen", "due_on": "2099-01-02", "unit": dyad.p.unit_a.pk}
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_on.isoformat()) == ("Ring igen", "2099-01-02")
    assert AuditEvent.objects.filter(object_type="task", purpose="edit task").exists()
    assert logged_in(dyad.p.social_a).get(url).status_code == 404
    support.complete_task(actor=dyad.p.police_a, task=task)
    assert client.get(url).status_code == 404
