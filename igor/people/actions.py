"""Every write to persons. Keyword-only, atomic, audited in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from igor.accounts.models import Unit, User
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Party
from igor.lib.identity import InvalidIdentityNumber, birth_date, normalise, normalise_name
from igor.people.matching import index_person
from igor.people.models import (
    DuplicatePair,
    DuplicateStatus,
    MatchModelEstimate,
    Person,
    PersonMerge,
    RepeatAlert,
)
from igor.people.repeat import has_new_partner, repeat_history
from igor.people.scoring import MatchResult, Model

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "identity_kind",
    "identity_number",
    "birth_date",
    "gender",
    "gender_description",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protection",
)


def _apply(person: Person, details: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in PERSON_FIELDS:
        if name in details and getattr(person, name) != details[name]:
            setattr(person, name, details[name])
            changed.append(name)
    errors: dict[str, list[str]] = {}
    try:
        person.identity_number = normalise(person.identity_kind, person.identity_number)
    except InvalidIdentityNumber as exc:
        errors["identity_number"] = [str(exc)]
    derived = birth_date(person.identity_kind, person.identity_number) if not errors else None
    if derived and person.birth_date and person.birth_date != derived:
        errors["birth_date"] = [_("The date of birth does not match the identity number.")]
    person.birth_date = person.birth_date or derived
    if person.birth_date and person.birth_date > timezone.localdate():
        errors["birth_date"] = [_("The date of birth cannot be in the future.")]
    if person.gender != "self_described":
        person.gender_description = ""
    if not person.interpreter_needed:
        person.interpreter_language = ""
    person.search_name = normalise_name(f"{person.last_name} {person.first_name}")
    if errors:
        raise ValidationError(errors)
    person.full_clean(exclude=["created_by", "organisation", "unit"])
    return changed


def _require_case_work(actor: User, unit: Unit) -> None:
    if not actor.can(Cap.EDIT_CASE_DATA) or unit.pk not in actor.unit_ids():
        raise PermissionDenied


@transaction.atomic
def register_person(
    *, actor: User, unit: Unit, details: Mapping[str, Any], acting_role: str = ""
) -> Person:
    """Register a person in the actor's organisation and the given unit."""
    _require_case_work(actor, unit)
    assert actor.organisation is not None
    person = Person(organisation=actor.organisation, unit=unit, created_by=actor)
    _apply(person, details)
    person.save()
    index_person(person)
    record(
        actor=actor,
        verb="create",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose="register person",
        acting_role=acting_role,
        data={"protected": person.is_protected},
    )
    return person


@transaction.atomic
def update_person(
    *, actor: User, person: Person, details: Mapping[str, Any], acting_role: str = ""
) -> Person:
    """Change a person's details. The caller has loaded the person with for_edit=True."""
    _require_case_work(actor, person.unit)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = _apply(person, details)
    person.updated_at = timezone.now()
    person.save()
    index_person(person)
    record(
        actor=actor,
        verb="update",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose="update person",
        acting_role=acting_role,
        data={"fields": changed},
    )
    return person


@transaction.atomic
def reveal_protected_details(
    *, actor: User, person: Person, reason: str, acting_role: str = ""
) -> datetime.datetime:
    """Record that the actor opened a protected person's address and phone, and why (A5)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you need the protected details.")]})
    event = record(
        actor=actor,
        verb="reveal",
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        purpose=reason.strip()[:200],
        acting_role=acting_role,
        data={"fields": ["phone", "email", "street_address", "postal_code", "city"]},
    )
    return event.at


# --- Duplicates and merges -----------------------------------------------------------------------


def _require_own_unit(actor: User, organisation_id: int, unit_id: int) -> None:
    if (
        not actor.can(Cap.EDIT_CASE_DATA)
        or actor.organisation_id != organisation_id
        or unit_id not in actor.unit_ids()
    ):
        raise PermissionDenied


@transaction.atomic
def store_duplicate_pairs(
    *,
    actor: User | None,
    organisation_id: int,
    unit_id: int,
    found: Iterable[tuple[Person, Person, MatchResult]],
    actor_label: str = "",
) -> int:
    """Keep the pairs a duplicate run found for review. A pair already decided stays decided;
    an open one gets the new score. Returns the number of pairs now open or updated."""
    stored = 0
    for first, second, result in found:
        if first.organisation_id != organisation_id or second.organisation_id != organisation_id:
            raise ValidationError(_("A duplicate pair must lie within one organisation."))
        low, high = sorted((first.pk, second.pk))
        pair, created = DuplicatePair.objects.get_or_create(
            first_id=low,
            second_id=high,
            defaults={
                "organisation_id": organisation_id,
                "unit_id": unit_id,
                "weight": result.weight,
                "match_class": result.match_class,
                "reasons": reasons_json(result),
            },
        )
        if not created and pair.status == DuplicateStatus.OPEN:
            pair.weight, pair.match_class = result.weight, result.match_class
            pair.reasons = reasons_json(result)
            pair.save(update_fields=["weight", "match_class", "reasons"])
        stored += 1
    record(
        actor=actor,
        actor_label=actor_label,
        verb="create",
        object_type="duplicate_pair",
        purpose="duplicate review run",
        data={"organisation": organisation_id, "unit": unit_id, "pairs": stored},
    )
    return stored


def reasons_json(result: MatchResult) -> list[dict[str, object]]:
    return [
        {"field": r.field, "level": r.level, "weight": r.weight, "similarity": r.similarity}
        for r in result.reasons
    ]


@transaction.atomic
def merge_persons(
    *, actor: User, pair: DuplicatePair, survivor: Person, acting_role: str = ""
) -> PersonMerge:
    """Merge the pair's other person into `survivor`: its case parts move over (where the
    survivor is not already a party), it leaves searches and the match index, and it is kept,
    so that the merge can be undone."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    _require_own_unit(actor, pair.organisation_id, pair.unit_id)
    if pair.status != DuplicateStatus.OPEN:
        raise ValidationError({"survivor": [_("This pair has already been decided.")]})
    if survivor.pk not in (pair.first_id, pair.second_id):
        raise ValidationError({"survivor": [_("Choose one of the two persons.")]})
    merged_id = pair.second_id if survivor.pk == pair.first_id else pair.first_id
    merged = Person.objects.select_for_update().get(pk=merged_id)
    taken = set(Party.objects.filter(person=survivor).values_list("case_id", flat=True))
    moving = list(
        Party.objects.filter(person=merged).exclude(case_id__in=taken).values_list("pk", flat=True)
    )
    Party.objects.filter(pk__in=moving).update(person=survivor)
    _cases_changed(moving)
    merged.merged_into = survivor
    merged.updated_at = timezone.now()
    merged.save(update_fields=["merged_into", "updated_at"])
    index_person(merged)
    pair.status = DuplicateStatus.MERGED
    pair.decided_at, pair.decided_by = timezone.now(), actor
    pair.save(update_fields=["status", "decided_at", "decided_by"])
    merge = PersonMerge.objects.create(
        survivor=survivor, merged=merged, pair=pair, moved_party_ids=moving, merged_by=actor
    )
    record(
        actor=actor,
        verb="merge",
        object_type="person",
        object_id=merged.pk,
        person_id=survivor.pk,
        purpose="merge duplicate persons",
        acting_role=acting_role,
        data={"survivor": survivor.pk, "merged": merged.pk, "parties": moving},
    )
    return merge


@transaction.atomic
def undo_merge(*, actor: User, merge: PersonMerge, acting_role: str = "") -> PersonMerge:
    """Put a merge back: the moved case parts return, the person returns to searches."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    _require_own_unit(actor, merged.organisation_id, merged.unit_id)
    if merge.undone_at is not None:
        raise ValidationError({"merge": [_("This merge has already been undone.")]})
    Party.objects.filter(pk__in=merge.moved_party_ids, person_id=merge.survivor_id).update(
        person=merged
    )
    _cases_changed(merge.moved_party_ids)
    merged.merged_into = None
    merged.updated_at = timezone.now()
    merged.save(update_fields=["merged_into", "updated_at"])
    index_person(merged)
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.pair_id is not None:
        DuplicatePair.objects.filter(pk=merge.pair_id).update(
            status=DuplicateStatus.OPEN, decided_at=None, decided_by=None
        )
    record(
        actor=actor,
        verb="undo_merge",
        object_type="person",
        object_id=merged.pk,
        person_id=merge.survivor_id,
        purpose="undo merge of persons",
        acting_role=acting_role,
        data={"survivor": merge.survivor_id, "merged": merged.pk},
    )
    return merge


@transaction.atomic
def mark_distinct(*, actor: User, pair: DuplicatePair, acting_role: str = "") -> DuplicatePair:
    """Record that the two persons of a pair are different people; the pair is not shown again."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    _require_own_unit(actor, pair.organisation_id, pair.unit_id)
    if pair.status != DuplicateStatus.OPEN:
        raise ValidationError({"pair": [_("This pair has already been decided.")]})
    pair.status = DuplicateStatus.DISTINCT
    pair.decided_at, pair.decided_by = timezone.now(), actor
    pair.save(update_fields=["status", "decided_at", "decided_by"])
    record(
        actor=actor,
        verb="update",
        object_type="duplicate_pair",
        object_id=pair.pk,
        purpose="not the same person",
        acting_role=acting_role,
        data={"first": pair.first_id, "second": pair.second_id},
    )
    return pair


# --- Repeat perpetrators -------------------------------------------------------------------------


@transaction.atomic
def note_repeat_perpetrator(
    *, actor: User, case: Case, person: Person, source: str = "party", acting_role: str = ""
) -> RepeatAlert | None:
    """Alert the unit when a person using violence in this case is known from earlier cases of
    the organisation (the same record, or one certain to be the same person), or the other
    organisation of the unit holds such cases (then only that fact, never which).
    Returns the new alert, or None when there is nothing new to alert about."""
    _require_own_unit(actor, case.organisation_id, case.unit_id)
    history = repeat_history(case, person)
    if history is None or RepeatAlert.objects.filter(case=case, person=person).exists():
        return None
    earlier, other_side = history
    alert = RepeatAlert.objects.create(
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        case=case,
        person=person,
        source=source,
        earlier_case_ids=earlier,
        new_partner=has_new_partner(case, earlier),
        other_side=other_side,
    )
    record(
        actor=actor,
        verb="create",
        object_type="repeat_alert",
        object_id=alert.pk,
        person_id=person.pk,
        case_id=case.pk,
        purpose="repeat perpetrator alert",
        acting_role=acting_role,
        data={"earlier_cases": len(earlier), "other_side": other_side, "source": source},
    )
    return alert


@transaction.atomic
def save_match_model(
    *,
    actor: User | None,
    model: Model,
    random_pairs: int,
    candidate_pairs: int,
    actor_label: str = "",
) -> MatchModelEstimate:
    """Keep newly estimated m and u; from now on every match is scored with them."""
    estimate = MatchModelEstimate.objects.create(
        parameters=model.as_json(), random_pairs=random_pairs, candidate_pairs=candidate_pairs
    )
    record(
        actor=actor,
        actor_label=actor_label,
        verb="create",
        object_type="match_model",
        object_id=estimate.pk,
        purpose="estimate match weights",
        data={"random_pairs": random_pairs, "candidate_pairs": candidate_pairs},
    )
    return estimate


def _cases_changed(party_ids: list[int]) -> None:
    """A bulk update sends no signals: tell the figures' daily summaries which cases changed."""
    from igor.stats.summaries import mark_cases

    mark_cases(Party.objects.filter(pk__in=party_ids).values_list("case_id", flat=True))
