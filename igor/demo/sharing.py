"""Demo sharing through the actions, so `make run` shows every workflow in one unit: a written
consent with its signed form, a statutory disclosure awaiting the lead's approval, and reports of
concern about children as a draft, sent, and received with feedback due.

The bulk generator writes thousands of bases directly; these few are written the way staff write
them, with their audit events, for people to click through.
"""

from __future__ import annotations

from igor.accounts.models import User
from igor.cases.actions import add_party
from igor.cases.models import Case, Party, PartyRole
from igor.lib.pdf import render_pdf
from igor.people.actions import register_person
from igor.sharing import actions
from igor.sharing.categories import CATEGORIES
from igor.sharing.models import ReportOfConcern, SharingBasis

CONDITIONS_18C = {"risk": True, "prevents": True, "not_inappropriate": True, "not_past_crime": True}
DETAILS_18C = {
    "feared_crime": "Grov misshandel (3 kap. 6 § BrB)",
    "close_relation": "Före detta sambo",
    "justification": "Upprepade hot om att skada henne efter separationen; han vet var hon bor.",
}


def _staff(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _parties(user: User, role: str) -> list[Party]:
    return list(
        Party.objects.filter(
            role=role,
            case__organisation_id=user.organisation_id or 0,
            case__unit_id__in=user.unit_ids(),
            case__status__in=["open", "active"],
        )
        .select_related("person", "case")
        .order_by("case__opened_at", "id")[:20]
    )


def _signed_form(subject_party: Party) -> actions.Upload:
    """A stand-in for the scanned, signed form: the printed form itself."""
    person = subject_party.person
    unit = person.unit
    recipient = (
        unit.police if person.organisation_id == unit.social_services_id else unit.social_services
    )
    pdf = render_pdf(
        "sharing/pdf/consent_form.html",
        {
            "person": person,
            "recipient": recipient,
            "organisation": person.organisation,
            "categories": [
                (c, c.key in {"person", "cases", "risk_assessment", "support"}) for c in CATEGORIES
            ],
            "basis": None,
            "purpose": "Samordnad riskbedömning och stöd",
        },
        language="sv",
    )
    return actions.Upload("samtycke-underskrivet.pdf", "application/pdf", pdf)


def add_sharing_showcase() -> None:
    """Idempotent: does nothing if the showcase is there, or the demo staff are missing."""
    police, social, lead = (
        _staff(n) for n in ("polis.sodermalm", "soc.sodermalm", "chef.sodermalm")
    )
    if police is None or social is None or lead is None:
        return
    if SharingBasis.objects.filter(
        recorded_by=social, kind="consent", consent_form="written"
    ).exists():
        return
    victims = [p for p in _parties(social, PartyRole.VICTIM) if not actions.is_child(p.person)]
    if victims:
        party = victims[0]
        actions.record_consent(
            actor=social,
            subject=party.person,
            recipient=party.person.unit.police,
            purpose="Samordnad riskbedömning och stöd",
            consent_form="written",
            categories={"person", "cases", "risk_assessment", "support"},
            signed_form=_signed_form(party),
            valid_until=None,
            # Both ways only where the police know the person too (the same identity number).
            both_ways=actions.counterpart_of(party.person) is not None,
        )
    perpetrators = _parties(social, PartyRole.PERPETRATOR)
    if perpetrators:
        person = perpetrators[0].person
        actions.record_statutory_basis(
            actor=social,
            subject=person,
            recipient=person.unit.police,
            ground="osl_10_18c",
            purpose="Förebygga grovt våld mot före detta sambo",
            categories={"person", "cases", "risk_assessment"},
            valid_until=None,
            conditions=CONDITIONS_18C,
            details=DETAILS_18C,
        )
    _reports_of_concern(police, social)


def _a_child_in_a_case(police: User) -> list[Party]:
    """A child of a police case; if the generated families have none, a child is added to the
    first open case (the report-of-concern workflow needs one)."""
    children = _parties(police, PartyRole.CHILD)
    if children:
        return children
    case = (
        Case.objects.filter(
            organisation_id=police.organisation_id or 0, status__in=["open", "active"]
        )
        .filter(unit_id__in=police.unit_ids())
        .order_by("opened_at", "id")
        .first()
    )
    if case is None:
        return []
    child = register_person(
        actor=police,
        unit=case.unit,
        details={"first_name": "Elsa", "last_name": "Barnsdotter", "identity_kind": "none"},
    )
    return [add_party(actor=police, case=case, person=child, role=PartyRole.CHILD)]


def _reports_of_concern(police: User, social: User) -> None:
    children = _a_child_in_a_case(police)
    seen_cases: set[int] = set()
    made: list[ReportOfConcern] = []
    for party in children:
        if party.case_id in seen_cases or len(made) == 3:
            continue
        seen_cases.add(party.case_id)
        case: Case = party.case
        made.append(
            actions.draft_report_of_concern(
                actor=police,
                case=case,
                child=party.person,
                concern="Barnet var hemma när pappan hotade mamman och hörde bråket genom väggen.",
                justification="Barnet var närvarande vid upprepat våld; bedömt i det enskilda fallet.",
            )
        )
    if len(made) >= 2:
        actions.send_report_of_concern(actor=police, report=made[1])
    if len(made) >= 3:
        sent = actions.send_report_of_concern(actor=police, report=made[2])
        actions.receive_report_of_concern(actor=social, report=sent)
