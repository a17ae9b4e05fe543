"""Candidate suggestions for the pages and the API: read what was typed, find, audit.

One place for what every "is this someone we know?" question shares: a query typed by a user is
read field by field (an unreadable identity number, birth date or phone is an error beside that
field, never silently dropped), the candidates of several records (a tip may name several persons)
are merged, and what is shown is audited: one event naming every person shown, and for a person
shown across the wall also a disclosure with its basis (rule A4). The other organisation's
records the user may not see are never shown; `other_side` only says that it may know the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from igor.accounts.models import User
from igor.audit.record import record
from igor.people.matching import Candidate, Candidates, find_candidates
from igor.people.normalise import normalise_identity, normalise_phone, parse_birth_date
from igor.people.scoring import MatchRecord, make_record
from igor.sharing import policy

# The fields of a typed query, as the form and the API name them.
QUERY_FIELDS = ("name", "identity_number", "birth_date", "street_address", "postal_code", "phone")


def query_record(details: Mapping[str, Any]) -> MatchRecord:
    """A match record from a typed query; ValidationError with one message per unreadable field,
    or a general one when nothing usable was given."""
    text = {name: str(details.get(name) or "").strip() for name in QUERY_FIELDS}
    errors: dict[str, list[str]] = {}
    if text["identity_number"] and normalise_identity(text["identity_number"]) is None:
        errors["identity_number"] = [_("Not an identity number: 12 digits, e.g. 19850412-2384.")]
    if text["birth_date"] and parse_birth_date(text["birth_date"]) is None:
        errors["birth_date"] = [_("Not a date: write for example 1985-04-12, 1985-04 or 1985.")]
    if text["phone"] and normalise_phone(text["phone"]) is None:
        errors["phone"] = [_("Not a phone number: write for example 070-174 06 05.")]
    if errors:
        raise ValidationError(errors)
    query = make_record(
        full_name=text["name"],
        identity=text["identity_number"],
        birth=text["birth_date"],
        street=text["street_address"],
        postcode=text["postal_code"],
        phone=text["phone"],
    )
    if not query.has_content:
        raise ValidationError(
            _("Give a name, an identity number, a birth date, an address or a phone number.")
        )
    return query


def candidates_for(
    user: User, records: Iterable[MatchRecord], *, exclude: Iterable[int] = (), limit: int = 10
) -> Candidates:
    """The best candidates for any of the records, each person once with its best result."""
    scope = policy.scope_for(user)
    best: dict[int, Candidate] = {}
    other_side = False
    excluded = list(exclude)
    for query in records:
        found = find_candidates(user, query, exclude=excluded, limit=limit, scope=scope)
        other_side = other_side or found.other_side
        for candidate in found.found:
            kept = best.get(candidate.person.pk)
            if kept is None or candidate.result.weight > kept.result.weight:
                best[candidate.person.pk] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.result.weight, c.person.pk))
    return Candidates(ranked[:limit], other_side)


@transaction.atomic
def audited(
    user: User,
    found: Candidates,
    *,
    verb: str,
    purpose: str,
    acting_role: str,
    data: Mapping[str, Any] | None = None,
    always: bool = False,
) -> Candidates:
    """What may be shown of `found`, audited. Nothing shown, nothing read: no event, unless
    `always` (the API records every search, as its other searches do).

    The scope is taken afresh, so a person whose basis was withdrawn since the lookup is left
    out rather than shown without one (A3)."""
    if not found.found and not found.other_side and not always:
        return found
    scope = policy.scope_for(user)
    shown: list[Candidate] = []
    crossed: list[policy.Access[Any]] = []
    for candidate in found.found:
        person = candidate.person
        if scope.is_own(person.organisation_id, person.unit_id):
            shown.append(candidate)
            continue
        basis = scope.person_bases.get(person.pk)
        if basis is None and person.pk not in scope.glass_persons:
            continue
        shown.append(candidate)
        crossed.append(
            policy.Access(person, scope, cross_wall=True, basis=basis, break_glass=not basis)
        )
    result = Candidates(shown, found.other_side)
    record(
        actor=user,
        verb=verb,
        object_type="person",
        purpose=purpose,
        acting_role=acting_role,
        data={"results": result.ids, "other_side": result.other_side, **(data or {})},
    )
    for access in crossed:
        policy.audit_read(
            access,
            object_type="person",
            purpose=purpose,
            acting_role=acting_role,
            person_id=access.obj.pk,
        )
    return result
