"""Consent in Chromium: the acceptance scenario of the sharing issue.

A social worker records a victim's consent to share the risk assessment and the support status
with the police; the officer sees exactly those (with the person and the case they belong to)
and nothing else; the victim withdraws; the officer no longer sees them; the register lists both
disclosures.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from igor.audit.models import Disclosure
from igor.cases import actions as case_actions
from igor.people import actions as people_actions
from igor.sharing import policy
from igor.sharing.models import SharingBasis
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser


def _submit(site: Site, page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    page.wait_for_load_state("load")
    site.check(page)


def test_a_victims_consent_shares_exactly_what_it_names_until_withdrawn(site: Site) -> None:
    social, officer = site.personas.social_a, site.personas.police_a
    unit = social.units.get()
    victim = people_actions.register_person(
        actor=social,
        unit=unit,
        details={"first_name": "Vilma", "last_name": "Samtyckesson", "identity_kind": "none"},
    )
    case = case_actions.open_case(actor=social, unit=unit, details={"title": "Stöd efter hot"})
    case_actions.add_party(actor=social, case=case, person=victim, role="victim")
    case_actions.record_incident(
        actor=social,
        case=case,
        details={
            "occurred_at": timezone.now() - datetime.timedelta(days=2),
            "kinds": ["psychological"],
            "place": "Händelseplatsmarkör",
        },
    )
    case_actions.write_journal_entry(actor=social, case=case, text="Journalmarkör för samtal")

    # The social worker records the consent through the form.
    worker = site.new_page()
    site.log_in(worker, social)
    site.goto(worker, f"/personer/{victim.pk}/")
    worker.locator("main").get_by_role("link", name="Samtycke och delning").click()
    site.check(worker)
    worker.locator("main").get_by_role("link", name="Registrera samtycke").first.click()
    site.check(worker)
    for key in ("cases", "risk_assessment", "support"):
        worker.locator(f"input[name=categories][value={key}]").check()
    worker.locator("#id_purpose").fill("Samordnad riskbedömning och stöd")
    worker.locator("input[name=given_by][value=subject]").check()
    worker.locator("input[name=consent_form][value=oral]").check()
    worker.locator("#id_witness").fill("Sara Holms kollega")
    _submit(site, worker, "Registrera samtycket")
    basis = SharingBasis.objects.get(subject=victim)
    assert set(basis.category_keys()) == {"person", "cases", "risk_assessment", "support"}
    assert worker.locator(f"#basis-{basis.pk} [data-status=active]").is_visible()

    # The officer sees the case, its risk assessment and support status, and nothing else.
    police = site.new_page()
    site.log_in(police, officer)
    site.goto(police, f"/arenden/{case.pk}/")
    text = police.locator("main").inner_text()
    assert "Stöd efter hot" in text and "Vilma Samtyckesson" in text
    assert "Riskbedömning" in text and "Status för stöd och behandling" in text
    assert "Händelseplatsmarkör" not in text and "Journalmarkör" not in text
    access = policy.get_case_for(officer, case.pk)
    assert policy.sees_case_category(access, "risk_assessment")
    assert not policy.sees_case_category(access, "incidents")
    assert not policy.sees_case_category(access, "journal")
    assert policy.sees_case_category(access, "support")
    person_access = policy.get_person_for(officer, victim.pk)
    assert not policy.shows_contact_details(person_access)
    site.goto(police, f"/personer/{victim.pk}/")
    assert Disclosure.objects.filter(basis=basis).count() == 2

    # The victim withdraws; the social worker records it; the officer's next request is denied.
    site.goto(worker, f"/delning/person/{victim.pk}/")
    _submit(site, worker, "Återkalla")
    assert worker.locator(f"#basis-{basis.pk} [data-status=withdrawn]").is_visible()
    response = police.goto(site.url(f"/arenden/{case.pk}/"))
    site.check(police)
    assert response is not None and response.status == 404

    # The register lists both disclosures, kept after the withdrawal.
    site.goto(worker, f"/delning/person/{victim.pk}/register/")
    rows = worker.locator("main table tbody tr")
    assert rows.count() == 2
    assert "Samtycke" in rows.first.inner_text()
