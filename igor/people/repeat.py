"""Repeat perpetrators: is a person using violence in a case known from earlier cases?

Re-offending often means the same person with a new partner. The organisation's own earlier
cases count when they name the same person record, a record merged into it, or a record certain
to be the same person (same identity number, or a certain match). The other organisation of the
unit is asked the same question, but the answer is only yes or no: which cases stays behind the
wall until a basis is recorded.
"""

from __future__ import annotations

from igor.accounts.models import User
from igor.cases.models import Case, Party, PartyRole
from igor.people.matching import candidate_ids, record_of
from igor.people.models import Person, RepeatAlert
from igor.people.scoring import match


def same_person_ids(person: Person, organisation_id: int, unit_id: int) -> set[int]:
    """Records of one organisation certain to be this person, itself included."""
    ids = {person.pk}
    ids.update(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    if person.identity_number:
        ids.update(
            Person.objects.filter(
                organisation_id=organisation_id, identity_number=person.identity_number
            ).values_list("pk", flat=True)
        )
    record = record_of(person)
    found = candidate_ids(record, [unit_id], organisation_id) - ids
    for other in Person.objects.filter(pk__in=found, merged_into__isnull=True):
        if match(record, record_of(other)).match_class == "certain":
            ids.add(other.pk)
    return ids


def _perpetrator_cases(person_ids: set[int], organisation_id: int, exclude: int) -> list[int]:
    return sorted(
        Party.objects.filter(
            person_id__in=person_ids,
            role=PartyRole.PERPETRATOR,
            case__organisation_id=organisation_id,
        )
        .exclude(case_id=exclude)
        .values_list("case_id", flat=True)
        .distinct()
    )


def repeat_history(case: Case, person: Person) -> tuple[list[int], bool] | None:
    """(earlier case ids of the organisation, whether the other organisation holds any), or
    None when the person is not a person using violence in this case or nothing is known."""
    if not Party.objects.filter(case=case, person=person, role=PartyRole.PERPETRATOR).exists():
        return None
    own = same_person_ids(person, case.organisation_id, case.unit_id)
    earlier = _perpetrator_cases(own, case.organisation_id, case.pk)
    unit = case.unit
    other_organisation = (
        unit.social_services_id if case.organisation_id == unit.police_id else unit.police_id
    )
    other_ids = same_person_ids(person, other_organisation, case.unit_id) - {person.pk}
    other_side = bool(_perpetrator_cases(other_ids, other_organisation, case.pk))
    if not earlier and not other_side:
        return None
    return earlier, other_side


def has_new_partner(case: Case, earlier_case_ids: list[int]) -> bool:
    """Whether this case has a victim who is in none of the earlier cases."""
    victims = set(
        Party.objects.filter(case=case, role=PartyRole.VICTIM).values_list("person_id", flat=True)
    )
    before = set(
        Party.objects.filter(case_id__in=earlier_case_ids, role=PartyRole.VICTIM).values_list(
            "person_id", flat=True
        )
    )
    return bool(victims - before)


def party_added(*, actor: User, party: Party, acting_role: str = "") -> None:
    """After a party joins a case: a person using violence is checked for earlier cases; a new
    victim updates whether the case's alerts concern a new partner."""
    from igor.people.actions import note_repeat_perpetrator

    if party.role == PartyRole.PERPETRATOR:
        note_repeat_perpetrator(
            actor=actor, case=party.case, person=party.person, acting_role=acting_role
        )
    elif party.role == PartyRole.VICTIM:
        for alert in RepeatAlert.objects.filter(case_id=party.case_id, new_partner=False):
            if has_new_partner(party.case, alert.earlier_case_ids):
                RepeatAlert.objects.filter(pk=alert.pk).update(new_partner=True)


def incident_recorded(*, actor: User, case: Case, acting_role: str = "") -> None:
    """A new incident: each person using violence in the case is checked again."""
    from igor.people.actions import note_repeat_perpetrator

    perpetrators = Party.objects.filter(case=case, role=PartyRole.PERPETRATOR).select_related(
        "person"
    )
    for party in perpetrators:
        note_repeat_perpetrator(
            actor=actor, case=case, person=party.person, source="incident", acting_role=acting_role
        )
