"""Finding a person the unit already knows: the match index and candidate lookup.

Candidates are found by blocking keys (igor/people/blocking.py) looked up in an index of their
own, within the user's units, and on PostgreSQL also by trigram similarity of the name; each is
scored with igor/people/scoring.py. Then the access policy decides what the user gets:

- persons the user may see (own organisation, or covered by a basis, or break-the-glass) are
  returned with score, class and reasons;
- a certain or probable match among the other organisation's persons that the user may not see
  is never returned: it only sets `other_side`, so the page can prompt the user to ask the other
  agency for a basis (consent or a statutory ground). Nothing about that person is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from igor.accounts.models import User
from igor.people.blocking import index_keys, query_keys
from igor.people.models import MatchKey, MatchModelEstimate, Person
from igor.people.scoring import DEFAULT_MODEL, MatchRecord, MatchResult, Model, make_record, match
from igor.sharing.policy import Scope, scope_for, sees_person

# A key shared by more persons than this in one scope says little ("Johansson born 1980-05"):
# it is skipped, so that a query costs the same on a large register as on a small one.
KEY_CAP = 200
SHOWN_CLASSES = ("certain", "probable", "possible")
HINT_CLASSES = ("certain", "probable")


def hasher(value: str) -> str:
    """A keyed hash for the keys of encrypted fields (phone, address)."""
    return salted_hmac("igor.people.matching", value).hexdigest()[:32]


def record_of(person: Person) -> MatchRecord:
    """The matcher's view of a person. A protected person's address and phone are left out, so a
    match can never say "same street" about an address the reader may not see (rule A5)."""
    protected = person.is_protected
    return make_record(
        given=person.first_name,
        surname=person.last_name,
        identity=person.identity_number if person.identity_kind != "reservnummer" else "",
        birth=person.birth_date.isoformat() if person.birth_date else "",
        street="" if protected else person.street_address,
        postcode="" if protected else person.postal_code,
        phone="" if protected else person.phone,
    )


def keys_of(person: Person) -> set[str]:
    if person.merged_into_id is not None:
        return set()
    return index_keys(record_of(person), hasher)


def index_person(person: Person) -> None:
    """File a person under its current keys (called by every action that changes a person)."""
    with transaction.atomic():
        MatchKey.objects.filter(person=person).delete()
        MatchKey.objects.bulk_create(
            MatchKey(
                person=person,
                organisation_id=person.organisation_id,
                unit_id=person.unit_id,
                key=key,
            )
            for key in sorted(keys_of(person))
        )


def rebuild_index(
    persons: Iterable[Person] | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """File every person (or the given ones) afresh; returns the number of keys written."""
    rows = persons if persons is not None else Person.objects.order_by("pk").iterator(2000)
    written = 0
    batch: list[MatchKey] = []
    ids: list[int] = []
    for person in rows:
        ids.append(person.pk)
        batch.extend(
            MatchKey(
                person_id=person.pk,
                organisation_id=person.organisation_id,
                unit_id=person.unit_id,
                key=key,
            )
            for key in keys_of(person)
        )
        if len(ids) >= 2000:
            written += _flush(ids, batch)
            if progress:
                progress(len(ids))
            ids, batch = [], []
    written += _flush(ids, batch)
    if progress and ids:
        progress(len(ids))
    return written


def _flush(ids: list[int], batch: list[MatchKey]) -> int:
    with transaction.atomic():
        MatchKey.objects.filter(person_id__in=ids).delete()
        MatchKey.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def current_model() -> Model:
    estimate = MatchModelEstimate.objects.first()
    return Model.from_json(estimate.parameters) if estimate else DEFAULT_MODEL


# --- Candidates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    person: Person
    result: MatchResult


@dataclass(frozen=True)
class Candidates:
    found: list[Candidate]
    other_side: bool  # the other agency may know this person: ask for a basis

    @property
    def ids(self) -> list[int]:
        return [candidate.person.pk for candidate in self.found]


def candidate_ids(
    record: MatchRecord,
    unit_ids: list[int],
    organisation_id: int | None = None,
    cap: int = KEY_CAP,
) -> set[int]:
    """Ids of persons in these units (and organisation, if given) sharing a key with the record."""
    found: set[int] = set()
    for key in sorted(query_keys(record, hasher)):
        rows = MatchKey.objects.filter(key=key, unit_id__in=unit_ids)
        if organisation_id is not None:
            rows = rows.filter(organisation_id=organisation_id)
        ids = list(rows.values_list("person_id", flat=True)[: cap + 1])
        if len(ids) <= cap:
            found.update(ids)
    found.update(_trigram_ids(record, unit_ids, organisation_id))
    return found


def _trigram_ids(
    record: MatchRecord, unit_ids: list[int], organisation_id: int | None
) -> list[int]:
    """On PostgreSQL: persons whose name is similar by trigrams (pg_trgm, GIN index). It finds
    names whose spelling differs beyond what the sound keys catch."""
    if connection.vendor != "postgresql" or not record.name.surnames or not unit_ids:
        return []
    name = " ".join(record.name.surnames + record.name.given)
    # Only placeholders vary; -1 stands for "any organisation".
    sql = (
        "SELECT id FROM people_person WHERE search_name %% %s AND unit_id = ANY(%s)"
        " AND (%s = -1 OR organisation_id = %s) AND merged_into_id IS NULL"
        " ORDER BY search_name <-> %s LIMIT 50"
    )
    organisation = -1 if organisation_id is None else organisation_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, list(unit_ids), organisation, organisation, name])
        return [row[0] for row in cursor.fetchall()]


def scored(
    record: MatchRecord, persons: Iterable[Person], model: Model
) -> Iterator[tuple[Person, MatchResult]]:
    for person in persons:
        yield person, match(record, record_of(person), model)


def find_candidates(
    user: User,
    record: MatchRecord,
    *,
    exclude: Iterable[int] = (),
    limit: int = 10,
    scope: Scope | None = None,
) -> Candidates:
    """The persons the user may see that may be the one described, best first, and whether the
    other agency of the user's units may know the person too (see the module docstring)."""
    scope = scope or scope_for(user)
    if not scope.works_with_cases or not record.has_content:
        return Candidates([], other_side=False)
    ids = candidate_ids(record, scope.unit_ids) - set(exclude)
    persons = Person.objects.filter(pk__in=ids, merged_into__isnull=True).select_related("unit")
    model = current_model()
    visible: list[Candidate] = []
    other_side = False
    for person, result in scored(record, persons, model):
        if result.match_class not in SHOWN_CLASSES:
            continue
        if sees_person(scope, person):
            visible.append(Candidate(person, result))
        elif result.match_class in HINT_CLASSES and person.organisation_id != scope.organisation_id:
            other_side = True
    visible.sort(key=lambda candidate: (-candidate.result.weight, candidate.person.pk))
    return Candidates(visible[:limit], other_side)


def find_for_person(user: User, person: Person, *, limit: int = 10) -> Candidates:
    return find_candidates(user, record_of(person), exclude=[person.pk], limit=limit)


# --- Duplicates within one organisation and unit -----------------------------------------------------


def duplicate_pairs(
    organisation_id: int,
    unit_id: int,
    model: Model | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[Person, Person, MatchResult]]:
    """Every pair of persons in one organisation and unit that may be one person, each once,
    with first.pk < second.pk. Blocks are read key by key; a person is decrypted once."""
    model = model or current_model()
    keys = (
        MatchKey.objects.filter(organisation_id=organisation_id, unit_id=unit_id)
        .order_by("key", "person_id")
        .values_list("key", "person_id")
        .iterator(5000)
    )
    blocks: dict[str, list[int]] = defaultdict(list)
    for key, person_id in keys:
        blocks[key].append(person_id)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= KEY_CAP:
            members.sort()
            for index, first in enumerate(members):
                pairs.update((first, second) for second in members[index + 1 :])
    del blocks
    records: dict[int, tuple[Person, MatchRecord]] = {}
    wanted = sorted({pk for pair in pairs for pk in pair})
    for start in range(0, len(wanted), 2000):
        chunk = Person.objects.filter(pk__in=wanted[start : start + 2000], merged_into__isnull=True)
        for person in chunk:
            records[person.pk] = (person, record_of(person))
    for done, (first, second) in enumerate(sorted(pairs), start=1):
        if first in records and second in records:
            result = match(records[first][1], records[second][1], model)
            if result.match_class in SHOWN_CLASSES:
                yield records[first][0], records[second][0], result
        if progress and done % 1000 == 0:
            progress(1000)
