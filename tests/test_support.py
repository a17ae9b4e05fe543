"""Outreach, referrals, victim support, transport, sheltered housing, tasks and closure:
the actions, the pages, and the access rules on them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from igor.audit.models import AuditEvent, Disclosure
from igor.cases import actions as cases
from igor.cases.models import Case
from igor.people.models import Person
from igor.risk import actions as risk
from igor.risk.tests.helpers import all_no
from igor.sharing import actions as sharing
from igor.sharing.models import SharingBasis
from igor.support import actions as support
from igor.support.models import (
    OutreachContact,
    Provider,
    Referral,
    ReferralEvent,
    ShelterPlacement,
    Task,
    Transport,
)
from tests.builders import make_case, make_person
from tests.personas import Personas, logged_in

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass
class Dyad:
    """A police case about a man using violence, and social services' case about his partner."""

    p: Personas
    police_case: Case
    man: Person
    social_case: Case
    woman: Person
    treatment: Provider
    shelter: Provider


@pytest.fixture
def dyad(personas: Personas) -> Dyad:
    officer, worker = personas.police_a, personas.social_a
    man = make_person(officer, first_name="Ulf", last_name="Utövare")
    police_case = make_case(officer, "Uppsökande, Ringvägen")
    cases.add_party(actor=officer, case=police_case, person=man, role="perpetrator")
    woman = make_person(worker, first_name="Vera", last_name="Utsatt")
    social_case = make_case(worker, "Stöd till våldsutsatt")
    cases.add_party(actor=worker, case=social_case, person=woman, role="victim")
    treatment = support.add_provider(
        actor=personas.lead_a,
        unit=personas.unit_a,
        details={"name": "Relationsvåldscentrum", "kind": "violence_centre"},
    )
    shelter = support.add_provider(
        actor=personas.lead_a,
        unit=personas.unit_a,
        details={"name": "Skyddat boende Syd", "kind": "sheltered_housing", "capacity": 1},
    )
    return Dyad(personas, police_case, man, social_case, woman, treatment, shelter)


def _attempt(d: Dyad, when: datetime.datetime, **outcome: str) -> OutreachContact:
    return support.record_outreach(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        method="home_visit",
        done_at=when,
        **{"result": "not_reached", **outcome},  # type: ignore[arg-type]
    )


# --- Requirements 34 and 35 (domain-sweden.md §8) ---------------------------------------------------


def test_requirement_34_perpetrator_outreach_offers_and_treatment_referral(dyad: Dyad) -> None:
    """Req. 34: perpetrator case type with outreach and treatment referrals (5 kap. 11 a § SoL)."""
    d, now = dyad, timezone.now()
    planned = support.plan_outreach(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        method="home_visit",
        planned_for=now - 5 * DAY,
    )
    first = support.record_outreach(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        method="home_visit",
        done_at=now - 5 * DAY,
        result="not_reached",
        planned=planned,
    )
    assert first.pk == planned.pk and first.attempt_number == 1
    _attempt(d, now - 4 * DAY)
    _attempt(d, now - 3 * DAY, result="reached", offer="treatment", answer="declined")
    accepted = _attempt(
        d,
        now - 2 * DAY,
        result="reached",
        offer="treatment",
        answer="accepted",
        follow_up_on=timezone.localdate(),  # type: ignore[arg-type]
    )
    assert (accepted.attempt_number, accepted.offer_number) == (4, 2)  # one offer before
    assert accepted.party_role == "perpetrator"
    assert Task.objects.filter(source="outreach", source_id=accepted.pk).count() == 1

    referral = support.send_referral(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        provider=d.treatment,
        purpose="Behandlingsprogram",
        sent_on=timezone.localdate() - 2 * DAY,
        outreach=accepted,
    )
    for status, day in (("accepted", 2), ("started", 1), ("completed", 0)):
        support.update_referral(
            actor=d.p.police_a,
            referral=referral,
            status=status,
            on=timezone.localdate() - day * DAY,
            feedback="Deltar aktivt" if status == "started" else "",
        )
    referral.refresh_from_db()
    assert (referral.status, referral.feedback) == ("completed", "Deltar aktivt")
    assert referral.started_on == timezone.localdate() - DAY
    steps = list(ReferralEvent.objects.filter(referral=referral).values_list("status", flat=True))
    assert steps == ["sent", "accepted", "started", "completed"]
    # The follow-up task closed with the provider's answer.
    assert not Task.objects.filter(source="referral", source_id=referral.pk, done_at=None).exists()


def test_requirement_35_extended_victim_support_is_recordable(dyad: Dyad) -> None:
    """Req. 35: transport to interviews, sheltered housing, home visits and repeated contact
    attempts are recordable interventions."""
    d, worker, now = dyad, dyad.p.social_a, timezone.now()
    for day in (3, 2):
        support.record_outreach(
            actor=worker,
            case=d.social_case,
            person=d.woman,
            method="phone",
            done_at=now - day * DAY,
            result="not_reached",
        )
    visit = support.record_intervention(
        actor=worker,
        case=d.social_case,
        person=d.woman,
        kind="home_visit",
        started_on=timezone.localdate(),
        without_police_report=True,
    )
    ride = support.book_transport(
        actor=worker,
        case=d.social_case,
        person=d.woman,
        purpose="police_interview",
        departs_at=now + DAY,
        from_place="Hornsgatan 1",
        to_place="Polishuset",
        driver=worker,
        escort_risk="Han vet var hon arbetar",
    )
    placement = support.place_in_shelter(
        actor=worker,
        case=d.social_case,
        person=d.woman,
        provider=d.shelter,
        moved_in_on=timezone.localdate(),
        address="Hemliga vägen 7",
    )
    assert OutreachContact.objects.filter(person=d.woman).count() == 2
    assert visit.without_police_report and ride.status == "booked"
    d.woman.refresh_from_db()
    assert d.woman.is_protected  # in sheltered housing: protected identity
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address, from_place FROM support_shelterplacement, support_transport "
            "WHERE support_shelterplacement.id = %s AND support_transport.id = %s",
            [placement.pk, ride.pk],
        )
        stored = cursor.fetchone()
    assert "Hemliga" not in stored[0] and "Hornsgatan" not in stored[1]


# --- Sheltered housing address (A5) -----------------------------------------------------------------


def _share_everything(d: Dyad) -> None:
    sharing.record_consent(
        actor=d.p.social_a,
        subject=d.woman,
        recipient=d.p.police_org_a,
        purpose="samordnat stöd",
        consent_form="oral",
        witness="Sara Holm",
        scope={
            "covers_person": True,
            "covers_cases": True,
            "covers_incidents": True,
            "covers_risk_assessment": True,
            "covers_safety_plan": True,
            "covers_support": True,
            "covers_journal": True,
        },
        valid_until=None,
    )


def _placed(d: Dyad) -> ShelterPlacement:
    return support.place_in_shelter(
        actor=d.p.social_a,
        case=d.social_case,
        person=d.woman,
        provider=d.shelter,
        moved_in_on=timezone.localdate(),
        address="Hemliga vägen 7",
    )


def test_the_shelter_address_is_shown_on_a_logged_reveal_to_the_victims_social_worker(
    dyad: Dyad,
) -> None:
    _placed(dyad)
    client = logged_in(dyad.p.social_a)
    page = client.get(reverse("support:case", args=[dyad.social_case.pk]))
    assert page.status_code == 200 and "Hemliga vägen" not in page.content.decode()
    url = reverse("support:reveal", args=[dyad.social_case.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # reason needed
    assert not AuditEvent.objects.filter(verb="reveal").exists()
    shown = client.post(url, {"reason": "Planerar transport"})
    assert "Hemliga vägen 7" in shown.content.decode()
    event = AuditEvent.objects.get(verb="reveal", object_type="support_places")
    assert (event.actor_id, event.purpose) == (dyad.p.social_a.pk, "Planerar transport")


def test_the_officer_working_with_the_man_never_sees_the_shelter_address(dyad: Dyad) -> None:
    _placed(dyad)
    _share_everything(dyad)
    client = logged_in(dyad.p.police_a)
    page = client.get(reverse("support:case", args=[dyad.social_case.pk]))
    assert page.status_code == 200  # support shared under the consent ...
    body = page.content.decode()
    assert "Skyddat boende Syd" in body and "Hemliga vägen" not in body  # ... but not the address
    disclosed = Disclosure.objects.filter(actor=dyad.p.police_a, object_type="case_support")
    assert disclosed.filter(object_id=dyad.social_case.pk).exists()
    reveal = client.post(
        reverse("support:reveal", args=[dyad.social_case.pk]), {"reason": "Vill veta"}
    )
    assert reveal.status_code == 403


def test_a_colleague_of_the_same_office_who_works_with_the_man_cannot_reveal(
    dyad: Dyad, personas: Personas
) -> None:
    """Within social services too: whoever owns the man's case does not see where she lives."""
    _placed(dyad)
    worker = personas.social_a
    his = make_person(worker, first_name="Ulf", last_name="Utövare")
    his_case = make_case(worker, "Våldsutövare, behandling")
    cases.add_party(actor=worker, case=his_case, person=his, role="perpetrator")
    cases.add_party(actor=worker, case=dyad.social_case, person=his, role="perpetrator")
    response = logged_in(worker).post(
        reverse("support:reveal", args=[dyad.social_case.pk]), {"reason": "Behöver"}
    )
    assert response.status_code == 403


def _consent_to_police(d: Dyad, *categories: str) -> SharingBasis:
    return sharing.record_consent(
        actor=d.p.social_a,
        subject=d.woman,
        recipient=d.p.police_org_a,
        purpose="samordning",
        consent_form="oral",
        witness="Sara Holm",
        categories={"person", "cases", *categories},
        valid_until=None,
    )


def test_support_rows_across_the_wall_need_a_basis_covering_them(dyad: Dyad) -> None:
    """Requirement 3: sharing is blocked outside the consent's categories. The case, its
    incidents and its journal do not carry the support and treatment status; only the support
    category does."""
    url = reverse("support:case", args=[dyad.social_case.pk])
    client = logged_in(dyad.p.police_a)
    assert client.get(url).status_code == 404  # no basis
    _consent_to_police(dyad, "incidents", "journal", "risk_assessment", "safety_plan")
    assert client.get(url).status_code == 404  # the case and more, but not its support work
    assert not Disclosure.objects.filter(actor=dyad.p.police_a).exists()
    basis = _consent_to_police(dyad, "support")
    assert client.get(url).status_code == 200
    row = Disclosure.objects.get(actor=dyad.p.police_a)
    assert row.basis_id == basis.pk  # the basis that covers support, not the first one
    assert logged_in(dyad.p.police_b).get(url).status_code == 404  # another unit


def test_the_legal_process_travels_with_the_incidents_not_with_support(dyad: Dyad) -> None:
    """The police's legal process is förundersökning material (requirement 24: investigation
    and support get different views): a consent to share support status does not show it."""
    support.record_legal_process(
        actor=dyad.p.police_a,
        case=dyad.police_case,
        report_number="K4711-26",
        details={},
    )
    url = reverse("support:case", args=[dyad.police_case.pk])
    sharing.record_consent(
        actor=dyad.p.police_a,
        subject=dyad.man,
        recipient=dyad.p.social_org_a,
        purpose="samordnat stöd",
        consent_form="oral",
        witness="Per Polis",
        categories={"person", "cases", "support"},
        valid_until=None,
    )
    worker = logged_in(dyad.p.social_a)
    page = worker.get(url)
    assert page.status_code == 200 and "K4711-26" not in page.content.decode()
    sharing.record_consent(
        actor=dyad.p.police_a,
        subject=dyad.man,
        recipient=dyad.p.social_org_a,
        purpose="samordnat stöd och rättsprocess",
        consent_form="oral",
        witness="Per Polis",
        categories={"person", "cases", "incidents", "support"},
        valid_until=None,
    )
    assert "K4711-26" in worker.get(url).content.decode()


# --- Pages: roles, methods, bad input ----------------------------------------------------------------


def test_recording_a_contact_on_the_page(dyad: Dyad) -> None:
    url = reverse("support:record_outreach", args=[dyad.police_case.pk])
    data = {
        "person": dyad.man.pk,
        "method": "home_visit",
        "done_at": "2026-11-20T18:00",
        "result": "reached",
        "offer": "treatment",
        "answer": "accepted",
    }
    assert logged_in(dyad.p.researcher).post(url, data).status_code == 403
    assert logged_in(dyad.p.social_a).post(url, data).status_code == 404
    assert logged_in(dyad.p.police_b).post(url, data).status_code == 404
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    assert not OutreachContact.objects.exists()
    response = logged_in(dyad.p.police_a).post(url, data)
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert (contact.offer_number, contact.answer) == (1, "accepted")
    assert AuditEvent.objects.filter(verb="create", object_type="outreach_contact").count() == 1


def test_reveal_takes_post_only(dyad: Dyad) -> None:
    response = logged_in(dyad.p.social_a).get(reverse("support:reveal", args=[dyad.social_case.pk]))
    assert response.status_code == 405


def _post(d: Dyad, user: str, name: str, case: Case, data: dict[str, object], **kw: int) -> str:
    response = logged_in(getattr(d.p, user)).post(
        reverse(f"support:{name}", kwargs={"pk": case.pk, **kw}), data
    )
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_transport_without_a_time_is_refused_with_a_message(dyad: Dyad) -> None:
    body = _post(
        dyad,
        "social_a",
        "add_transport",
        dyad.social_case,
        {"person": dyad.woman.pk, "purpose": "court", "from_place": "A", "to_place": "B"},
    )
    assert "Give the date and time of departure." in body or "avresa" in body
    assert "error-summary" in body
    assert not Transport.objects.exists()


def test_a_referral_to_an_unknown_provider_is_refused(dyad: Dyad) -> None:
    other_unit = Provider.objects.create(unit=dyad.p.unit_b, name="Annan enhet", kind="treatment")
    for provider in (other_unit.pk, 999_999):
        body = _post(
            dyad,
            "police_a",
            "add_referral",
            dyad.police_case,
            {
                "person": dyad.man.pk,
                "provider": provider,
                "purpose": "Behandling",
                "sent_on": "2026-11-20",
            },
        )
        assert "error-summary" in body
    assert not Referral.objects.exists()


def test_an_outcome_before_its_start_is_refused(dyad: Dyad) -> None:
    item = support.record_intervention(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        kind="talk_individual",
        started_on=timezone.localdate(),
    )
    body = _post(
        dyad,
        "social_a",
        "end_intervention",
        dyad.social_case,
        {"ended_on": (timezone.localdate() - DAY).isoformat(), "outcome": "achieved"},
        item_pk=item.pk,
    )
    assert "error-summary" in body
    item.refresh_from_db()
    assert item.ended_on is None and item.outcome == ""


def test_closing_with_open_tasks_is_warned_and_allowed_with_a_reason(dyad: Dyad) -> None:
    support.create_task(
        actor=dyad.p.police_a,
        unit=dyad.p.unit_a,
        title="Ring honom",
        due_on=timezone.localdate(),
        case=dyad.police_case,
    )
    data = {"reason": "goals_met", "safety_reviewed": "on"}
    body = _post(dyad, "police_a", "close", dyad.police_case, data)
    assert "error-summary" in body
    dyad.police_case.refresh_from_db()
    assert dyad.police_case.status == "open"
    response = logged_in(dyad.p.police_a).post(
        reverse("support:close", args=[dyad.police_case.pk]),
        {**data, "override_reason": "Uppgiften lämnas till utredningen"},
    )
    assert response.status_code == 302
    dyad.police_case.refresh_from_db()
    closure = dyad.police_case.closures.get()
    assert dyad.police_case.status == "closed"
    assert (closure.open_tasks, closure.missing_snapshots) == (1, 1)
    assert closure.checklist["safety_reviewed"] is True


def test_a_full_shelter_takes_nobody_more(dyad: Dyad) -> None:
    _placed(dyad)
    other = make_person(dyad.p.social_a, first_name="Nora")
    cases.add_party(actor=dyad.p.social_a, case=dyad.social_case, person=other, role="victim")
    body = _post(
        dyad,
        "social_a",
        "add_placement",
        dyad.social_case,
        {
            "person": other.pk,
            "provider": dyad.shelter.pk,
            "moved_in_on": timezone.localdate().isoformat(),
            "address": "Gata 2",
        },
    )
    assert "error-summary" in body
    assert ShelterPlacement.objects.count() == 1


# --- Daily work: query counts ------------------------------------------------------------------------


def _busy_case(d: Dyad, n: int) -> None:
    case = make_case(d.p.police_a, f"Ärende {n}")
    man = make_person(d.p.police_a, first_name=f"Man{n}")
    cases.add_party(actor=d.p.police_a, case=case, person=man, role="perpetrator")
    support.plan_outreach(
        actor=d.p.police_a,
        case=case,
        person=man,
        method="home_visit",
        planned_for=timezone.now() + (n + 1) * HOUR,
    )
    support.create_task(
        actor=d.p.police_a,
        unit=d.p.unit_a,
        title=f"Uppgift {n}",
        due_on=timezone.localdate(),
        case=case,
    )
    process = support.record_legal_process(
        actor=d.p.police_a, case=case, report_number=f"K{n}00-26", details={}
    )
    support.add_legal_event(
        actor=d.p.police_a, process=process, kind="main_hearing", at=timezone.now() + 2 * DAY
    )


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["support:caseload", "support:calendar", "support:tasks"])
def test_daily_work_pages_cost_the_same_number_of_queries_however_many_rows(
    dyad: Dyad, name: str
) -> None:
    client = logged_in(dyad.p.police_a)
    _busy_case(dyad, 0)
    few = _queries(client, reverse(name))
    for n in range(1, 6):
        _busy_case(dyad, n)
    many = _queries(client, reverse(name))
    assert many == few
    assert few <= 21


def test_the_calendar_shows_the_coming_visits_court_dates_and_tasks(dyad: Dyad) -> None:
    _busy_case(dyad, 7)
    body = logged_in(dyad.p.police_a).get(reverse("support:calendar")).content.decode()
    assert "Uppgift 7" in body and "K700-26" in body and "Man7" in body
    # Social services' calendar does not show police rows.
    other = logged_in(dyad.p.social_a).get(reverse("support:calendar")).content.decode()
    assert "K700-26" not in other and "Man7" not in other


def test_the_calendar_reminds_of_the_risk_reassessments_falling_due(dyad: Dyad) -> None:
    """Issue 7: reminders from reassessments. A high level is reviewed after two weeks; an
    assessment a week old falls due within the calendar's two weeks, for its organisation only."""
    risk.assess_with_instrument(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        instrument_key="igor-screening@1",
        answers=all_no(),
        level="high",
        rationale="Hot om att döda.",
        assessed_on=timezone.localdate() - datetime.timedelta(days=7),
    )
    due = timezone.localdate() + datetime.timedelta(days=7)
    body = logged_in(dyad.p.social_a).get(reverse("support:calendar")).content.decode()
    assert due.strftime("%Y-%m-%d") in body and "Ny riskbedömning ska göras" in body
    assert reverse("risk:case", args=[dyad.social_case.pk]) in body
    other = logged_in(dyad.p.police_a).get(reverse("support:calendar")).content.decode()
    assert "Ny riskbedömning ska göras" not in other


def _share_busy_case(d: Dyad, n: int, **scope: bool) -> Case:
    """Police's busy case n shared with social services by its man's consent."""
    _busy_case(d, n)
    case = Case.objects.get(title=f"Ärende {n}")
    sharing.record_consent(
        actor=d.p.police_a,
        subject=Person.objects.get(first_name=f"Man{n}"),
        recipient=d.p.social_org_a,
        purpose="samordning",
        consent_form="oral",
        witness="Petra Lind",
        scope={"covers_person": True, "covers_cases": True, **scope},
        valid_until=None,
    )
    return case


def test_the_calendar_shows_the_other_organisations_rows_only_under_a_basis(dyad: Dyad) -> None:
    """Issue 7: the other organisation's visits and court dates, marked with it, per category."""
    d = dyad
    _busy_case(d, 3)  # not shared
    case = _share_busy_case(d, 4, covers_support=True)  # support rows, not the legal process
    client = logged_in(d.p.social_a)
    before = Disclosure.objects.filter(actor=d.p.social_a).count()
    body = client.get(reverse("support:calendar")).content.decode()
    assert "Man4" in body and case.reference in body and str(d.p.police_org_a) in body
    assert "K400-26" not in body  # the legal process needs the incidents covered
    assert "Man3" not in body and "K300-26" not in body and "Uppgift 4" not in body
    disclosed = Disclosure.objects.filter(actor=d.p.social_a).order_by("-id")
    assert disclosed.count() == before + 1
    assert (disclosed[0].object_type, disclosed[0].object_id) == ("calendar", case.pk)
    _share_busy_case(d, 5, covers_incidents=True)
    body = client.get(reverse("support:calendar")).content.decode()
    assert "K500-26" in body and "Man5" not in body.split("K500-26")[0].rsplit("<li", 1)[-1]
    # Another unit sees none of it.
    other = logged_in(d.p.social_b).get(reverse("support:calendar")).content.decode()
    assert "Man4" not in other and "K500-26" not in other


def test_the_calendar_costs_a_bounded_number_of_queries_with_shared_rows(dyad: Dyad) -> None:
    client = logged_in(dyad.p.social_a)
    _share_busy_case(dyad, 0, covers_support=True, covers_incidents=True)
    few = _queries(client, reverse("support:calendar"))
    for n in range(1, 6):
        _share_busy_case(dyad, n, covers_support=True, covers_incidents=True)
    many = _queries(client, reverse("support:calendar"))
    # Each shared case costs its basis lookups and one disclosure, never more.
    from igor.support.access import SHARED_CALENDAR_LIMIT

    assert many <= few + 5 * 12
    assert many < 60 + 3 * SHARED_CALENDAR_LIMIT * 12


def test_the_evaluation_figures_count_offers_acceptances_starts_placements_and_transports(
    dyad: Dyad,
) -> None:
    """Structured figures for the statistics: "we ask six, seven, eight times" is countable."""
    from igor.support.figures import support_figures

    d, now = dyad, timezone.now()
    for day, outcome in (
        (6, {}),
        (5, {"result": "reached", "offer": "treatment", "answer": "declined"}),
        (4, {"result": "reached", "offer": "treatment", "answer": "accepted"}),
    ):
        _attempt(d, now - day * DAY, **outcome)
    referral = support.send_referral(
        actor=d.p.police_a,
        case=d.police_case,
        person=d.man,
        provider=d.treatment,
        purpose="Behandling",
        sent_on=timezone.localdate() - 3 * DAY,
    )
    support.update_referral(
        actor=d.p.police_a, referral=referral, status="accepted", on=timezone.localdate() - 2 * DAY
    )
    support.update_referral(
        actor=d.p.police_a, referral=referral, status="started", on=timezone.localdate() - DAY
    )
    _placed(d)
    support.book_transport(
        actor=d.p.social_a,
        case=d.social_case,
        person=d.woman,
        purpose="court",
        departs_at=now + HOUR,
        from_place="A",
        to_place="B",
    )
    figures = support_figures(
        unit_ids=[d.p.unit_a.pk],
        start=timezone.localdate() - 30 * DAY,
        end=timezone.localdate() + 2 * DAY,
    )
    men = figures.perpetrators
    assert (men.persons, men.contacted, men.offered, men.accepted) == (1, 1, 1, 1)
    assert men.offers_before_acceptance == {1: 1}
    assert men.referrals_started == 1 and men.went_on_to_support == 1.0
    assert figures.victims.persons == 1 and figures.victims.went_on_to_support == 0.0
    assert figures.referrals == {"accepted": 1, "sent": 1, "started": 1}
    assert (figures.placements, figures.transports) == (1, 1)
    other = support_figures(
        unit_ids=[d.p.unit_b.pk], start=timezone.localdate() - 30 * DAY, end=timezone.localdate()
    )
    assert other.perpetrators.persons == 0 and other.referrals == {}
