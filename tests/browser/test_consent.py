"""Consent in Chromium: the acceptance scenario of the sharing issue (domain-sweden.md §8
requirements 3 and 7).

A social worker records a victim's consent to share the risk assessment and the support status
with the police; the officer sees exactly those (with the person and the case they belong to)
and nothing else: not the safety plan, the journal or the incidents; the victim withdraws; the
officer no longer sees them; the register lists both disclosures.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from igor.audit.models import Disclosure
from igor.cases import actions as case_actions
from igor.people import actions as people_actions
from igor.risk import actions as risk_actions
from igor.sharing import policy
from igor.sharing.models import SharingBasis
from igor.support import actions as support_actions
from igor.support.models import InterventionKind
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

RISK_TEXT = "Riskbedömningsmarkör: hoten har ökat"
PLAN_TEXT = "Säkerhetsplansmarkör: biblioteket vid torget"
PLACE_TEXT = "Händelseplatsmarkör"
JOURNAL_TEXT = "Journalmarkör för samtal"


def _submit(site: Site, page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    page.wait_for_load_state("load")
    site.check(page)


def _status(site: Site, page, path: str) -> int:
    response = page.goto(site.url(path))
    site.check(page)
    assert response is not None
    return response.status


def test_a_victims_consent_shares_exactly_what_it_names_until_withdrawn(site: Site) -> None:
    social, officer = site.personas.social_a, site.personas.police_a
    unit = social.units.get()
    today = timezone.localdate()
    victim = people_actions.register_person(
        actor=social,
        unit=unit,
        details={"first_name": "Vilma", "last_name": "Samtyckesson", "identity_kind": "none"},
    )
    case = case_actions.open_case(actor=social, unit=unit, details={"title": "Stöd efter hot"})
    case_actions.add_party(actor=social, case=case, person=victim, role="victim")
    incident = case_actions.record_incident(
        actor=social,
        case=case,
        details={
            "occurred_at": timezone.now() - datetime.timedelta(days=2),
            "kinds": ["psychological"],
            "place": PLACE_TEXT,
        },
    )
    case_actions.write_journal_entry(actor=social, case=case, text=JOURNAL_TEXT)
    assessment = risk_actions.record_external_result(
        actor=social,
        case=case,
        person=victim,
        instrument_name="FREDA-farlighetsbedömning",
        assessed_on=today,
        assessor_name="Sara Holm",
        level="medium",
        rationale=RISK_TEXT,
    )
    risk_actions.write_safety_plan(
        actor=social, case=case, person=victim, sections={"safe_places": (PLAN_TEXT, True)}
    )
    support_actions.record_intervention(
        actor=social,
        case=case,
        person=victim,
        kind=InterventionKind.ADVICE,
        started_on=today - datetime.timedelta(days=3),
    )

    # The social worker records the consent through the form: the case, its risk assessment
    # and its support status; not the incidents, the safety plan or the journal.
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

    # The officer sees the case with the person, and nothing of its incidents or journal.
    police = site.new_page()
    site.log_in(police, officer)
    site.goto(police, f"/arenden/{case.pk}/")
    text = police.locator("main").inner_text()
    assert "Stöd efter hot" in text and "Vilma Samtyckesson" in text
    assert PLACE_TEXT not in text and JOURNAL_TEXT not in text
    assert _status(site, police, f"/arenden/{case.pk}/handelser/{incident.pk}/") == 404

    # The risk assessment: its level and the assessor's judgement; no way to the safety plan.
    plan_path = f"/risk/arenden/{case.pk}/sakerhetsplan/{victim.pk}/"
    site.goto(police, f"/risk/arenden/{case.pk}/")
    text = police.locator("main").inner_text()
    assert "FREDA-farlighetsbedömning" in text and PLAN_TEXT not in text
    assert police.locator(f"main a[href='{plan_path}']").count() == 0
    site.goto(police, f"/risk/arenden/{case.pk}/bedomning/{assessment.pk}/")
    assert RISK_TEXT in police.locator("main").inner_text()
    assert _status(site, police, plan_path) == 404
    assert _status(site, police, plan_path + "pdf/") == 404

    # The support status: the intervention and that it is ongoing.
    site.goto(police, f"/stod/arenden/{case.pk}/")
    text = police.locator("main").inner_text()
    with translation.override("sv"):
        kind, ongoing = str(InterventionKind.ADVICE.label), str(translation.gettext("Ongoing"))
    row = police.locator("main table tr", has_text=kind)
    assert row.count() == 1 and ongoing in row.inner_text()
    assert PLACE_TEXT not in text and JOURNAL_TEXT not in text and PLAN_TEXT not in text

    access = policy.get_case_for(officer, case.pk)
    assert policy.sees_case_category(access, "risk_assessment")
    assert policy.sees_case_category(access, "support")
    for hidden in ("incidents", "journal", "safety_plan"):
        assert not policy.sees_case_category(access, hidden)
    assert not policy.shows_contact_details(policy.get_person_for(officer, victim.pk))
    disclosed = Disclosure.objects.filter(basis=basis)
    risk_reads = disclosed.filter(object_type__in=["case_risk", "risk_assessment"])
    assert risk_reads.count() == 2 and disclosed.filter(object_type="case_support").count() == 1

    # The victim withdraws; the social worker records it; the officer's next request is denied.
    site.goto(worker, f"/delning/person/{victim.pk}/")
    _submit(site, worker, "Återkalla")
    assert worker.locator(f"#basis-{basis.pk} [data-status=withdrawn]").is_visible()
    for path in (
        f"/arenden/{case.pk}/",
        f"/risk/arenden/{case.pk}/",
        f"/risk/arenden/{case.pk}/bedomning/{assessment.pk}/",
        f"/stod/arenden/{case.pk}/",
    ):
        assert _status(site, police, path) == 404, path

    # The register lists the disclosures, the risk assessment's and the support status's among
    # them, kept after the withdrawal.
    site.goto(worker, f"/delning/person/{victim.pk}/register/")
    rows = worker.locator("main table tbody tr")
    assert rows.count() == disclosed.count()
    listed = worker.locator("main table tbody").inner_text()
    assert f"case_risk #{case.pk}" in listed and f"risk_assessment #{assessment.pk}" in listed
    assert f"case_support #{case.pk}" in listed
    assert "Samtycke" in rows.first.inner_text()
