"""Reading persons: search and loading, always through the access policy."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from igor.accounts.models import User
from igor.lib.identity import IdentityKind, InvalidIdentityNumber, normalise, normalise_name
from igor.lib.web import PAGE_SIZE, Page, paginate
from igor.people.models import Person
from igor.sharing.policy import persons_visible_to, scope_for, shared_person_ids

_DIGITS = re.compile(r"^[\d\s+-]{10,13}$")
_LAST = "\U0010ffff"  # sorts after every other character, so [p, p+_LAST) is "starts with p"


def identity_query(text: str) -> str | None:
    """The stored form of an identity number typed into a search box, if it is one."""
    if not _DIGITS.match(text.strip()):
        return None
    for kind in (IdentityKind.PERSONNUMMER, IdentityKind.SAMORDNINGSNUMMER):
        try:
            return normalise(kind, text)
        except InvalidIdentityNumber:
            continue
    return None


def _matching(queryset: QuerySet[Person], text: str) -> QuerySet[Person]:
    queryset = queryset.filter(merged_into__isnull=True)  # a merged record lives on in its survivor
    number = identity_query(text)
    if number:
        return queryset.filter(identity_number=number)
    prefix = normalise_name(text)
    return queryset.filter(search_name__gte=prefix, search_name__lt=prefix + _LAST)


def search_persons(user: User, text: str, number: int = 1) -> Page[Person]:
    """One page of visible persons matching a name prefix or an identity number.

    The user's own scope and what is shared with them are queried apart and merged, so that each
    query can walk its index in name order (one OR-ed query would have to sort every match).
    """
    scope = scope_for(user)
    offset = (number - 1) * PAGE_SIZE
    wanted = offset + PAGE_SIZE + 1
    own = _matching(Person.objects.filter(scope.own()), text).order_by("search_name", "id")
    rows = list(own.select_related("unit")[:wanted])
    # When the own rows fill the page, a shared row named after the last of them cannot be on
    # it: the walk of the other agency's names stops there, so a common name costs a page's
    # worth of rows on a large register too, not the walk to the 26th shared one.
    last = rows[-1].search_name if len(rows) == wanted else None

    def ordered(persons: QuerySet[Person]) -> QuerySet[Person]:
        found = _matching(persons, text)
        if last is not None:
            found = found.filter(search_name__lte=last)
        return found.order_by("search_name", "id")

    # Cut to the page too, so the cost does not grow with the bases received.
    shared_ids = shared_person_ids(scope, ordered, wanted)
    shared_rows = list(Person.objects.filter(pk__in=shared_ids).select_related("unit"))
    if shared_rows:
        rows += shared_rows
        rows.sort(key=lambda person: (person.search_name, person.pk))
    return paginate(rows[offset:], number)


def persons_for_case(user: User, unit_id: int, text: str) -> list[Person]:
    """Own persons in one unit matching a search, for adding as parties (max one page)."""
    scope = scope_for(user)
    visible = persons_visible_to(user, scope).filter(scope.own(), unit_id=unit_id)
    return list(_matching(visible, text).order_by("search_name", "id")[:PAGE_SIZE])
