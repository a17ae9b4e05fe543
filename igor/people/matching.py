"""Finding a person the unit already knows: the match index and candidate lookup.

Candidates are found by blocking keys (igor/people/blocking.py) looked up in an index of their
own, within the user's units, and on PostgreSQL, for a name without a number or a full birth
date, also by trigram similarity of the name; each is scored with igor/people/scoring.py (by
the profiles of igor/people/profile.py). Then the access policy decides what the user gets:

- persons the user may see (own organisation, or covered by a basis, or break-the-glass) are
  returned with score, class and reasons;
- a certain or probable match among the other organisation's persons that the user may not see
  is never returned: it only sets `other_side`, so the page can prompt the user to ask the other
  agency for a basis (consent or a statutory ground). Nothing about that person is shown.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.crypto import salted_hmac

from igor.accounts.models import User
from igor.lib.crypto import DATA_KEY_FIELD, open_data_key, seal, unseal
from igor.people.blocking import lookup_keys, register_keys
from igor.people.models import MatchKey, MatchModelEstimate, MatchProfile, Person
from igor.people.normalise import Address, parse_address, streets_close
from igor.people.profile import (
    ProfileComparison,
    compare_profile,
    decode,
    encode,
    profile_of,
)
from igor.people.scoring import (
    DEFAULT_MODEL,
    POSSIBLE,
    PROBABLE,
    MatchRecord,
    MatchResult,
    Model,
    make_record,
    match,
    score,
    weight_of,
)
from igor.sharing.policy import Scope, scope_for, sees_person_by_ids

# A key shared by more persons than this in one scope says little ("Johansson born 1980-05"):
# it is skipped, so that a query reads at most this many index entries for each of its keys.
KEY_CAP = 200
# The real-time lookup (find_candidates) then takes its keys rarest first, and keeps a key's
# persons only while the persons of the keys taken so far number at most this (the rarest key is
# always kept), besides everyone who shares two or more keys with the query. So the number of
# candidates to compare stays about the same on a large register as on a small one, where plain
# capping lets it grow with the register. The model's training and the repeat check, which are
# not waited for, read every key within the cap.
LOOKUP_BUDGET = 10
# And it skips keys shared by more than this many persons: beyond the budget such a key adds only
# the persons who share a second key with the query, whom a rarer key (a building with a name, a
# date, a number) mostly finds as well. On the benchmark's register of a million, caps of 100,
# 75 and 60 lost no match that the full cap finds, and 50 lost one of 240; at 75 the slowest
# lookups read 390 index entries instead of 620.
LOOKUP_CAP = 75
# No budget: more persons than the keys of a query can hold within the cap.
_NO_BUDGET = 2**31 - 1
SHOWN_CLASSES = ("certain", "probable", "possible")


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


def address_of(person: Person) -> Address | None:
    """The address part of `record_of`, alone (it is what a profile cannot compare in full)."""
    if person.is_protected:
        return None
    return parse_address(person.street_address, person.postal_code)


def _index_rows(person: Person) -> tuple[list[MatchKey], MatchProfile | None]:
    """A person's keys and profile; none for a merged person."""
    if person.merged_into_id is not None:
        return [], None
    record = record_of(person)
    keys = [
        MatchKey(
            person_id=person.pk,
            organisation_id=person.organisation_id,
            unit_id=person.unit_id,
            key=key,
        )
        for key in sorted(register_keys(record, hasher))
    ]
    profile = profile_of(record, hasher, _sealer(person))
    return keys, MatchProfile(person_id=person.pk, data=encode(profile))


_SEALED_STREET = {"table": "people_matchprofile", "column": "street"}


def _sealer(person: Person) -> Callable[[str], str] | None:
    """Seals a profile's street under the person's own data key (so a master key rotation,
    which re-wraps that key, leaves the profile readable)."""
    stored = getattr(person, DATA_KEY_FIELD, None)
    if not stored:
        return None
    data_key = open_data_key(stored)
    return lambda text: seal(text, data_key, **_SEALED_STREET)


def _open_street(sealed: str, stored_key: str) -> str:
    return unseal(sealed, open_data_key(stored_key), **_SEALED_STREET)


def index_person(person: Person) -> None:
    """File a person under its current keys (called by every action that changes a person)."""
    keys, profile = _index_rows(person)
    with transaction.atomic():
        MatchKey.objects.filter(person=person).delete()
        MatchProfile.objects.filter(person=person).delete()
        MatchKey.objects.bulk_create(keys)
        if profile is not None:
            profile.save(force_insert=True)


def rebuild_index(
    persons: Iterable[Person] | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """File every person (or the given ones) afresh; returns the number of keys written."""
    rows = persons if persons is not None else Person.objects.order_by("pk").iterator(2000)
    written = 0
    batch: list[MatchKey] = []
    profiles: list[MatchProfile] = []
    ids: list[int] = []
    for person in rows:
        ids.append(person.pk)
        keys, profile = _index_rows(person)
        batch.extend(keys)
        if profile is not None:
            profiles.append(profile)
        if len(ids) >= 2000:
            written += _flush(ids, batch, profiles)
            if progress:
                progress(len(ids))
            ids, batch, profiles = [], [], []
    written += _flush(ids, batch, profiles)
    if progress and ids:
        progress(len(ids))
    return written


def _flush(ids: list[int], batch: list[MatchKey], profiles: list[MatchProfile]) -> int:
    with transaction.atomic():
        MatchKey.objects.filter(person_id__in=ids).delete()
        MatchProfile.objects.filter(person_id__in=ids).delete()
        MatchKey.objects.bulk_create(batch, batch_size=5000)
        MatchProfile.objects.bulk_create(profiles, batch_size=5000)
    return len(batch)


def rebuild_profiles(progress: Callable[[int], None] | None = None) -> int:
    """Write the profile of every person that has none (after the profiles were introduced)."""
    wanted = list(
        Person.objects.filter(merged_into__isnull=True, match_profile__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(wanted), 2000):
        chunk = Person.objects.filter(pk__in=wanted[start : start + 2000]).order_by("pk")
        profiles = [profile for person in chunk if (profile := _index_rows(person)[1])]
        with transaction.atomic():
            MatchProfile.objects.bulk_create(profiles)
        if progress:
            progress(len(profiles))
    return len(wanted)


def current_model() -> Model:
    """The newest estimated model, read afresh on every lookup (one small query)."""
    table = MatchModelEstimate._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT parameters FROM {table} ORDER BY estimated_at DESC, id DESC LIMIT 1"  # noqa: S608
        )
        row = cursor.fetchone()
    if row is None:
        return DEFAULT_MODEL
    parameters = json.loads(row[0]) if isinstance(row[0], str | bytes) else row[0]
    return Model.from_json(parameters)


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


# SQLite: one subquery per key, so each reads at most cap + 1 rows of its index range.
_KEY_PART = (
    "SELECT {number} AS k, person_id FROM (SELECT person_id FROM people_matchkey"
    " WHERE key = %s AND {scope} LIMIT %s) AS key_{number}"
)
# PostgreSQL: the same as one text whatever the number of keys (planned once per connection
# rather than for every lookup): the keys as an array, each read by a lateral subquery.
_KEYS_LATERAL = (
    "SELECT keys.k, hit.person_id FROM unnest(%s::text[]) WITH ORDINALITY AS keys(key, k)"
    " CROSS JOIN LATERAL (SELECT person_id FROM people_matchkey WHERE key = keys.key"
    " AND unit_id = ANY(%s::bigint[]) AND (%s::bigint IS NULL OR organisation_id = %s)"
    " LIMIT %s) AS hit"
)
_TRIGRAM_PART = (
    "SELECT -1 AS k, person_id FROM (SELECT id AS person_id FROM people_person"
    " WHERE search_name::text %% %s AND unit_id = ANY(%s::bigint[]) AND (%s::bigint IS NULL"
    " OR organisation_id = %s) AND merged_into_id IS NULL"
    " ORDER BY search_name::text <-> %s LIMIT 50) AS trigram"
)
# The candidates' profiles, with what the walk needs of each person (its wrapped data key and,
# for the access policy, its organisation and unit).
_PROFILES = (
    "SELECT profile.person_id, profile.data, person.data_key, person.organisation_id,"
    " person.unit_id FROM people_matchprofile profile JOIN people_person person"
    " ON person.id = profile.person_id WHERE person.merged_into_id IS NULL AND {ids}"
)


def chosen_persons(hits: Iterable[tuple[int, int]], cap: int, budget: int | None) -> list[int]:
    """The candidates among the hits (key number, person) of a lookup, in order of first hit.

    Each key's hits are counted; keys with more than `cap` are dropped, the rest taken rarest
    first: a key's persons are candidates while the hits of the keys taken so far, its own
    included, number at most `budget`, and the rarest key's always. So are the persons who share
    two or more kept keys, and those found by trigrams (key -1) whatever the budget. Worked out
    here rather than by window functions in the statement, which cost SQLite more than reading
    the index (at a million persons, 0.4 of 0.6 ms at p95)."""
    by_key: dict[int, list[int]] = defaultdict(list)
    for key, person in hits:
        by_key[key].append(person)
    limit = _NO_BUDGET if budget is None else budget
    kept = sorted(
        (key for key in by_key if len(by_key[key]) <= cap), key=lambda key: (len(by_key[key]), key)
    )
    shared: Counter[int] = Counter()  # person → kept keys
    chosen: dict[int, None] = {}  # ordered, unlike a set
    running = 0
    for key in kept:
        persons = by_key[key]
        running += len(persons)
        taken = key < 0 or running <= limit or running == len(persons)
        for person in persons:
            shared[person] += 1
            if taken or shared[person] >= 2:
                chosen[person] = None
    return list(chosen)


def _keys_are_weak(record: MatchRecord) -> bool:
    """A name without an identity number or a full birth date ("Johan Ek, Ringvägen 12"): its
    only name key needs both names' sound skeletons to agree, so on PostgreSQL the trigram
    index is asked too. With a number or a date the keys already cover misspelt names (by
    surname and month, given name and month, date, number), and a trigram search, which reads
    every person sharing a common trigram, would cost more than the rest of the lookup."""
    return not record.identity and not (record.birth is not None and record.birth.is_full)


def _asks_trigrams(record: MatchRecord) -> bool:
    return (
        connection.vendor == "postgresql" and bool(record.name.surnames) and _keys_are_weak(record)
    )


def _hits_sql(
    record: MatchRecord,
    unit_ids: list[int],
    organisation_id: int | None,
    cap: int,
    *,
    by_keys: bool = True,
    by_trigrams: bool = True,
) -> tuple[str, list[Any]]:
    """One statement for the hits of a lookup, (key number, person): each key's persons in the
    scope (at most cap + 1 of them, by the key's index range), and on PostgreSQL, for a query
    with weak keys, the persons whose name is similar by trigrams (pg_trgm, GIN index), which
    finds spellings beyond what the sound keys catch (key number -1). Only placeholders and
    numbers are formatted into the text; every value is a parameter. `by_keys` and
    `by_trigrams` choose the sources (an empty text when none applies)."""
    keys = sorted(lookup_keys(record, hasher)) if by_keys else []
    if connection.vendor == "postgresql":
        parts: list[str] = []
        params: list[Any] = []
        if by_keys:
            parts.append(_KEYS_LATERAL)
            params += [keys, unit_ids, organisation_id, organisation_id, cap + 1]
        if by_trigrams and _asks_trigrams(record):
            name = " ".join(record.name.surnames + record.name.given)
            parts.append(_TRIGRAM_PART)
            params += [name, unit_ids, organisation_id, organisation_id, name]
        return " UNION ALL ".join(parts), params
    if not keys:
        return "", []
    scope = "unit_id IN ({})".format(", ".join(["%s"] * len(unit_ids)))
    scope_params: list[Any] = list(unit_ids)
    if organisation_id is not None:
        scope += " AND organisation_id = %s"
        scope_params.append(organisation_id)
    params = []
    for key in keys:
        params += [key, *scope_params, cap + 1]
    parts = [_KEY_PART.format(number=number, scope=scope) for number in range(len(keys))]
    return " UNION ALL ".join(parts), params


def _one_of(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    """A condition that the column holds one of the ids, and its parameters: one array on
    PostgreSQL (one text whatever the number), a placeholder each on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    return "{} IN ({})".format(column, ", ".join(["%s"] * len(ids))), list(ids)


def _profiles(person_ids: list[int]) -> list[tuple[int, str, str | None, int, int]]:
    if not person_ids:
        return []
    condition, params = _one_of("profile.person_id", person_ids)
    with connection.cursor() as cursor:
        cursor.execute(_PROFILES.format(ids=condition), params)
        return cursor.fetchall()


def candidate_profiles(
    record: MatchRecord,
    unit_ids: list[int],
    organisation_id: int | None = None,
    cap: int = KEY_CAP,
    budget: int | None = None,
    *,
    by_keys: bool = True,
    by_trigrams: bool = True,
) -> list[tuple[int, str, str | None, int, int]]:
    """(id, profile, wrapped data key, organisation, unit) of the persons in these units (and
    organisation, if given) that share a key with the record: the hits in one statement
    (`_hits_sql`), the candidates among them (`chosen_persons`), their profiles in another."""
    if not unit_ids:
        return []
    sql, params = _hits_sql(
        record,
        list(unit_ids),
        organisation_id,
        cap,
        by_keys=by_keys,
        by_trigrams=by_trigrams,
    )
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits = cursor.fetchall()
    return _profiles(chosen_persons(hits, cap, budget))


def candidate_ids(
    record: MatchRecord,
    unit_ids: list[int],
    organisation_id: int | None = None,
    cap: int = KEY_CAP,
    budget: int | None = None,
) -> set[int]:
    """Ids of persons in these units (and organisation, if given) sharing a key with the record."""
    return {row[0] for row in candidate_profiles(record, unit_ids, organisation_id, cap, budget)}


@dataclass
class _Found:
    """A candidate whose profile may reach a shown class: its ids (enough for the access policy),
    its comparison, and its weight, exact once the address is decided, until then a bound."""

    pk: int
    organisation_id: int
    unit_id: int
    compared: ProfileComparison
    weight: float
    street_sealed: str
    stored_key: str | None

    @property
    def decided(self) -> bool:
        return self.compared.address_options is None

    @property
    def rank(self) -> tuple[float, int]:
        """Best first, as the candidates are shown: by the weight of `score`, then by id."""
        return (-round(self.weight, 2), self.pk)


class _Scored:
    """Candidates' profiles compared with the query, keeping those that may reach a shown class.

    `best` then walks them best first and stops as soon as no one left can enter the list or
    change the hint for the other side. Only then does anything cost more than a comparison:
    a street is opened (from the profile's seal, or the person) when its candidate comes up
    undecided, and only the persons shown are loaded. Who the user may see is decided by the
    ids the lookup returned."""

    def __init__(self, record: MatchRecord, model: Model, excluded: set[int]) -> None:
        self.record, self.model = record, model
        self.query = profile_of(record, hasher)
        self.seen = set(excluded)
        self.found: list[_Found] = []

    def add(self, rows: Iterable[tuple[int, str, str | None, int, int]]) -> None:
        for pk, data, stored_key, organisation_id, unit_id in rows:
            if pk in self.seen:
                continue
            self.seen.add(pk)
            profile = decode(data)
            compared = compare_profile(self.query, profile, self.model, POSSIBLE)
            if compared is None:
                continue
            weight = (
                weight_of(compared.comparison, self.model)
                if compared.address_options is None
                else compared.bound(self.model)
            )
            if weight >= POSSIBLE:
                found = _Found(
                    pk,
                    organisation_id,
                    unit_id,
                    compared,
                    weight,
                    profile.street_sealed,
                    stored_key,
                )
                self.found.append(found)

    def _decide(self, found: _Found) -> bool:
        """Settle the address by the street's text; False when the person is gone (merged)."""
        assert self.record.address is not None
        if found.street_sealed and found.stored_key:
            street = _open_street(found.street_sealed, found.stored_key)
        else:  # a profile written without a key: the person tells
            person = Person.objects.filter(pk=found.pk, merged_into__isnull=True).first()
            address = address_of(person) if person is not None else None
            if address is None:
                return False
            street = address.street
        comparison = found.compared.decided(streets_close(self.record.address.street, street))
        found.compared = ProfileComparison(comparison)
        found.weight = weight_of(comparison, self.model)
        return True

    def any_shown(self) -> bool:
        """Whether any candidate reaches a shown class, deciding undecided ones until one does
        (those that fall short are dropped)."""
        if any(found.decided for found in self.found):
            return True
        for found in sorted(self.found, key=lambda found: found.rank):
            if self._decide(found) and found.weight >= POSSIBLE:
                return True
            self.found.remove(found)
        return False

    def best(self, scope: Scope, limit: int) -> Candidates:
        heap = [(found.rank, index, found) for index, found in enumerate(self.found)]
        heapq.heapify(heap)
        shown: list[_Found] = []
        other_side = False
        while heap:
            found = heap[0][2]
            if len(shown) >= limit and (other_side or found.weight < PROBABLE):
                break  # no one left can be shown, nor be a hint
            _, index, found = heapq.heappop(heap)
            if not found.decided:
                if self._decide(found) and found.weight >= POSSIBLE:
                    heapq.heappush(heap, (found.rank, index, found))
                continue
            if sees_person_by_ids(scope, found.pk, found.organisation_id, found.unit_id):
                if len(shown) < limit:
                    shown.append(found)
            elif found.weight >= PROBABLE and found.organisation_id != scope.organisation_id:
                other_side = True  # a certain or probable match the user may not see
        persons = _load_persons([found.pk for found in shown])
        candidates = [
            Candidate(persons[found.pk], score(found.compared.comparison, self.model))
            for found in shown
            if found.pk in persons
        ]
        return Candidates(candidates, other_side)


def _load_persons(person_ids: list[int]) -> dict[int, Person]:
    """The persons shown, unordered (they are in order already). One fixed statement rather
    than a queryset: the ORM's compiling of it cost more than the rest of loading a few."""
    if not person_ids:
        return {}
    condition, params = _one_of("id", person_ids)
    sql = f"SELECT * FROM {Person._meta.db_table} WHERE {condition} AND merged_into_id IS NULL"  # noqa: S608
    return {person.pk: person for person in Person.objects.raw(sql, params)}


def find_candidates(
    user: User,
    record: MatchRecord,
    *,
    exclude: Iterable[int] = (),
    limit: int = 10,
    scope: Scope | None = None,
) -> Candidates:
    """The persons the user may see that may be the one described, best first, and whether the
    other agency of the user's units may know the person too (see the module docstring).

    Candidates are compared by their profiles (igor/people/profile.py) and taken best first
    (`_Scored.best`); the result is `match()` on the full records."""
    scope = scope or scope_for(user)
    if not scope.works_with_cases or not record.has_content:
        return Candidates([], other_side=False)
    scored = _Scored(record, current_model(), set(exclude))
    scored.add(
        candidate_profiles(
            record, scope.unit_ids, cap=LOOKUP_CAP, budget=LOOKUP_BUDGET, by_trigrams=False
        )
    )
    if _asks_trigrams(record) and not scored.any_shown():
        # Only when the keys found nobody who may be shown: the trigram search reads every
        # person whose name shares enough trigrams, tens of milliseconds for a common name, and
        # it is there for a misspelling that shares no key.
        scored.add(candidate_profiles(record, scope.unit_ids, by_keys=False))
    return scored.best(scope, limit)


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
