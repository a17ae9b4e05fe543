"""Outreach and victim support in Chromium: the acceptance scenario of the support issue.

A police officer plans a home visit to a man who uses violence, records two unanswered attempts
and a third where treatment is accepted, refers him and records the provider's start; a social
worker books transport for the victim to her police interview and places her in sheltered housing,
whose address the officer cannot see.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from igor.cases import actions as case_actions
from igor.people import actions as people_actions
from igor.sharing import actions as sharing_actions
from igor.support import actions as support_actions
from igor.support.models import OutreachContact, Referral, ShelterPlacement, Transport
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _submit(site: Site, page, button_text: str | re.Pattern[str] = "Spara") -> None:
    page.locator("main").get_by_role("button", name=button_text).click()
    page.wait_for_load_state("load")
    site.check(page)


def _follow(site: Site, page, link_text: str | re.Pattern[str]) -> None:
    page.locator("main").get_by_role("link", name=link_text).first.click()
    page.wait_for_load_state("load")
    site.check(page)


def _moment(delta: datetime.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_outreach_referral_transport_and_a_shelter_address_the_officer_cannot_see(
    site: Site,
) -> None:
    p = site.personas
    officer, worker = p.police_a, p.social_a
    man = people_actions.register_person(
        actor=officer,
        unit=p.unit_a,
        details={"first_name": "Ulf", "last_name": "Ringvägsson", "identity_kind": "none"},
    )
    police_case = case_actions.open_case(
        actor=officer, unit=p.unit_a, details={"title": "Uppsökande, Ringvägen"}
    )
    case_actions.add_party(actor=officer, case=police_case, person=man, role="perpetrator")
    woman = people_actions.register_person(
        actor=worker,
        unit=p.unit_a,
        details={"first_name": "Vera", "last_name": "Ringvägsdotter", "identity_kind": "none"},
    )
    social_case = case_actions.open_case(
        actor=worker, unit=p.unit_a, details={"title": "Stöd efter förhör"}
    )
    case_actions.add_party(actor=worker, case=social_case, person=woman, role="victim")
    treatment = support_actions.add_provider(
        actor=p.lead_a,
        unit=p.unit_a,
        details={"name": "Relationsvåldscentrum City", "kind": "violence_centre"},
    )
    shelter = support_actions.add_provider(
        actor=p.lead_a,
        unit=p.unit_a,
        details={"name": "Skyddat boende Syd", "kind": "sheltered_housing", "capacity": 4},
    )
    # She consents to the police seeing her support (not her address: that never crosses).
    sharing_actions.record_consent(
        actor=worker,
        subject=woman,
        recipient=p.police_org_a,
        purpose="samordnat stöd",
        consent_form="oral",
        witness="Sara Holm",
        scope={
            "covers_person": True,
            "covers_cases": True,
            "covers_incidents": True,
            "covers_support": True,
            "covers_journal": True,
        },
        valid_until=None,
    )

    # --- The police officer: a planned home visit, two unanswered attempts, then a yes.
    page = site.new_page()
    site.log_in(page, officer)
    site.goto(page, f"/stod/arenden/{police_case.pk}/")
    _follow(site, page, "Planera en kontakt")
    page.locator("#id_method").select_option("home_visit")
    page.locator("#id_planned_for").fill(_moment(-datetime.timedelta(hours=3)))
    _submit(site, page)
    assert page.url.endswith(f"/stod/arenden/{police_case.pk}/")

    _follow(site, page, "Registrera utfallet")
    page.locator("#id_done_at").fill(_moment(-datetime.timedelta(hours=3)))
    page.locator("input[name=result][value=not_reached]").check()
    _submit(site, page)
    for hours, result in ((2, "not_reached"), (1, "reached")):
        _follow(site, page, "Registrera en kontakt")
        page.locator("#id_method").select_option("home_visit")
        page.locator("#id_done_at").fill(_moment(-datetime.timedelta(hours=hours)))
        page.locator(f"input[name=result][value={result}]").check()
        if result == "reached":
            page.locator("#id_offer").select_option("treatment")
            page.locator("#id_answer").select_option("accepted")
        _submit(site, page)
    contacts = list(OutreachContact.objects.filter(person=man).order_by("attempt_number"))
    assert [c.attempt_number for c in contacts] == [1, 2, 3]
    assert [c.result for c in contacts] == ["not_reached", "not_reached", "reached"]
    assert (contacts[2].offer, contacts[2].answer, contacts[2].offer_number) == (
        "treatment",
        "accepted",
        1,
    )
    assert "tackade ja efter 0 tidigare erbjudanden" in page.locator("main").inner_text()

    # A referral to an unknown provider is refused beside the field; then the right one.
    _follow(site, page, "Remittera till en utförare")
    page.locator("#id_purpose").fill("Behandlingsprogram för män")
    _submit(site, page)
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert not Referral.objects.exists()
    page.locator("#id_provider").select_option(str(treatment.pk))
    _submit(site, page)
    referral = Referral.objects.get()
    for status in ("accepted", "started"):
        _follow(site, page, re.compile("Registrera nästa steg"))
        page.locator(f"input[name=status][value={status}]").check()
        if status == "started":
            page.locator("#id_feedback").fill("Första gruppträffen genomförd.")
        _submit(site, page)
    referral.refresh_from_db()
    assert referral.status == "started" and referral.started_on == timezone.localdate()
    assert "Första gruppträffen genomförd." in page.locator("main").inner_text()

    # --- The social worker: transport to the police interview, then sheltered housing.
    social = site.new_page()
    site.log_in(social, worker)
    site.goto(social, f"/stod/arenden/{social_case.pk}/")
    _follow(site, social, "Boka en transport")
    social.locator("#id_purpose").select_option("police_interview")
    social.locator("#id_from_place").fill("Hornsgatan 12")
    social.locator("#id_to_place").fill("Polishuset, Kungsholmsgatan 43")
    _submit(site, social)  # no time: refused with a message, nothing saved
    assert "Ange datum och tid för avresa." in social.locator("main").inner_text()
    assert not Transport.objects.exists()
    social.locator("#id_departs_at").fill(_moment(datetime.timedelta(days=1)))
    social.locator("#id_driver").select_option(str(worker.pk))
    _submit(site, social)
    ride = Transport.objects.get()
    assert (ride.purpose, ride.person_id, ride.driver_id) == (
        "police_interview",
        woman.pk,
        worker.pk,
    )

    _follow(site, social, "Placera i skyddat boende")
    social.locator("#id_provider").select_option(str(shelter.pk))
    social.locator("#id_address").fill("Tallstigen 4, Farsta")
    _submit(site, social)
    placement = ShelterPlacement.objects.get()
    assert placement.provider_id == shelter.pk
    assert "Tallstigen" not in social.content()  # hidden until asked for, with a reason
    social.locator("#id_reason").fill("Planerar transport till boendet")
    _submit(site, social, "Visa adresserna")
    assert "Tallstigen 4, Farsta" in social.locator("[data-placement-address]").inner_text()

    # --- The officer working with the man sees the placement under her consent, never its address.
    site.goto(page, f"/stod/arenden/{social_case.pk}/")
    main = page.locator("main").inner_text()
    assert "Skyddat boende Syd" in main and "Adressen är skyddad" in main
    assert "Tallstigen" not in page.content() and "Hornsgatan" not in page.content()
    assert page.locator("#id_reason").count() == 0
    assert not site.problems()


def test_the_safe_contact_box_comes_before_a_planned_contact_with_her(site: Site) -> None:
    """Issue 6: her safe-contact rules are on the outreach form, and a contact is not saved
    before they were shown; the page works without JavaScript."""
    from igor.risk import actions as risk_actions

    p = site.personas
    worker = p.social_a
    woman = people_actions.register_person(
        actor=worker,
        unit=p.unit_a,
        details={"first_name": "Vera", "last_name": "Kodsdotter", "identity_kind": "none"},
    )
    case = case_actions.open_case(actor=worker, unit=p.unit_a, details={"title": "Stöd, Vera"})
    case_actions.add_party(actor=worker, case=case, person=woman, role="victim")
    risk_actions.save_safe_contact(
        actor=worker,
        person=woman,
        details={"safe_times": "Vardagar 9–11", "code_word": "Kanelbulle", "sms_allowed": False},
    )
    page = site.new_page(javascript=False)
    site.log_in(page, worker)
    site.goto(page, f"/stod/arenden/{case.pk}/uppsok/planera/")
    site.check(page)
    page.locator("#id_person").select_option(str(woman.pk))
    page.locator("#id_method").select_option("phone")
    page.locator("#id_planned_for").fill(_moment(datetime.timedelta(days=1)))
    _submit(site, page)
    main = page.locator("main").inner_text()
    assert "Innan du tar kontakt" in main and "Kanelbulle" in main and "Skicka inga sms." in main
    assert not OutreachContact.objects.exists()
    _submit(site, page)
    assert OutreachContact.objects.get().person == woman
