"""Match profiles: a person as the candidate lookup compares it, stored beside the match keys.

Pure functions, no database. A profile holds the normalised name (its parts and their forms),
identity number and birth date, which the person row keeps in plain text too, and keyed hashes
of the phone number, street, street number and postcode, which the row keeps encrypted: the
profile does not undo the encryption, as the blocking keys do not.

Comparing a query with a profile gives every field's level exactly as `scoring.compare` does,
except one case: two different streets (by hash) may still be close in spelling ("Ringvägen"
and "Ringvgen"), which only the text can tell. Then the address has two possible levels and
`compare_profile` returns both; the lookup takes the higher weight as a bound, drops the
candidates whose bound cannot reach a shown class, and for the rest opens the folded street
that the profile keeps sealed under the person's own data key (`igor/people/matching.py`). The
result equals `match()` on the full records.

Hashes are 48 bits: two different values of one field of a query and one of its candidates
share a hash with a chance of about 1 in 10^14.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from igor.people.normalise import PartialDate, birth_agreement, identity_agreement
from igor.people.scoring import (
    FIELDS,
    LEVELS,
    Comparison,
    MatchRecord,
    Model,
    level_of_names,
    name_forms,
    summed_weight,
)

Hasher = Callable[[str], str]
SEPARATOR = "|"  # never in a folded name part, a digit string or a hex digest
_ADDRESS = LEVELS["address"]


class Profile(NamedTuple):
    """A profile as it is stored: every field a text, so that reading one back is a split of its
    row and no more (the lookup reads tens of them for every query). The comparisons work on
    the texts and keep what they work out from them (`_names`, `_birth_level`)."""

    given: str  # the name's parts, space-separated
    surnames: str
    given_forms: str  # their `name_forms`, sorted, space-separated
    surname_forms: str
    identity: str  # 12 digits or ""
    birth: str  # PartialDate.iso() or ""
    phone: str  # keyed hashes, "" when missing
    has_address: str  # "a" when the record has an address, else ""
    street: str
    number: str
    postcode: str
    # The folded street itself, sealed by the caller (under the person's own data key), for the
    # one comparison a hash cannot make; "" for a query or when no key was at hand.
    street_sealed: str = ""


def _hash(hasher: Hasher, kind: str, value: str) -> str:
    return hasher(f"{kind}:{value}")[:12] if value else ""


def profile_of(
    record: MatchRecord, hasher: Hasher, seal: Callable[[str], str] | None = None
) -> Profile:
    address = record.address
    return Profile(
        given=" ".join(record.name.given),
        surnames=" ".join(record.name.surnames),
        given_forms=" ".join(sorted(name_forms(record.name.given, canonical=True))),
        surname_forms=" ".join(sorted(name_forms(record.name.surnames, canonical=False))),
        identity=record.identity or "",
        birth=record.birth.iso() if record.birth else "",
        phone=_hash(hasher, "phone", record.phone or ""),
        has_address="a" if address is not None else "",
        street=_hash(hasher, "street", address.street) if address else "",
        number=_hash(hasher, "number", address.number) if address else "",
        postcode=_hash(hasher, "postcode", address.postcode) if address else "",
        street_sealed=seal(address.street) if seal and address and address.street else "",
    )


def encode(profile: Profile) -> str:
    return SEPARATOR.join(profile)


def decode(text: str) -> Profile:
    parts = text.split(SEPARATOR)
    if len(parts) != len(Profile._fields):
        raise ValueError(f"a match profile has {len(Profile._fields)} fields, not {len(parts)}")
    return Profile(*parts)


@dataclass(frozen=True)
class ProfileComparison:
    """Levels as `scoring.compare` gives them; when the address is undecided, `address_options`
    holds its level if the streets are close in spelling, then if they are not."""

    comparison: Comparison
    address_options: tuple[int, int] | None = None

    def bound(self, model: Model) -> float:
        """The match weight, or its highest possible value while the address is undecided."""
        total = summed_weight(self.comparison.levels, model)
        if self.address_options is not None:
            total += max(model.weight("address", level) for level in self.address_options)
        return total

    def decided(self, close_streets: bool) -> Comparison:
        if self.address_options is None:
            return self.comparison
        levels = list(self.comparison.levels)
        levels[FIELDS.index("address")] = self.address_options[0 if close_streets else 1]
        return Comparison(tuple(levels), self.comparison.similarity)


def _address(first: Profile, second: Profile) -> int | tuple[int, int] | None:
    """`normalise.address_agreement` on hashes (see the module docstring)."""
    if not (first.has_address and second.has_address):
        return None
    near = (
        _ADDRESS.index("postcode")
        if first.postcode and first.postcode == second.postcode
        else _ADDRESS.index("different")
    )
    if not (first.street and second.street):
        return near
    close = (
        _ADDRESS.index("same")
        if first.number and first.number == second.number
        else _ADDRESS.index("street")
    )
    if first.street == second.street:
        return close
    return close, near


_IDENTITY_LEVEL = {"same": 0, "transposed": 1, "near": 1}
_BIRTH_LEVELS = LEVELS["birth"]


# A query meets the same few thousand birth dates and names again and again, in the texts a
# profile holds: what they give is kept by those texts, so a candidate costs a few lookups.
@functools.lru_cache(maxsize=65536)
def _birth_level(first: str, second: str) -> int:
    return _BIRTH_LEVELS.index(birth_agreement(_partial_date(first), _partial_date(second)))


def _partial_date(iso: str) -> PartialDate:
    return PartialDate(*(int(part) for part in iso.split("-")))


@functools.lru_cache(maxsize=65536)
def _names(
    first: str, second: str, canonical: bool, first_forms: str, second_forms: str
) -> tuple[int, float]:
    """`scoring.name_level` of two names as a profile holds them (parts and forms as texts)."""
    return level_of_names(  # not through name_level's own cache: this one is in front of it
        tuple(first.split()),
        tuple(second.split()),
        canonical,
        frozenset(first_forms.split()),
        frozenset(second_forms.split()),
    )


def compare_profile(
    first: Profile, second: Profile, model: Model | None = None, floor: float | None = None
) -> ProfileComparison | None:
    """The comparison of two profiles. Given a model and a floor, None as soon as the weight
    cannot reach the floor: whatever the names (which are compared last, being the dearest),
    or with them."""
    identity = None
    if first.identity and second.identity:
        identity = _IDENTITY_LEVEL.get(identity_agreement(first.identity, second.identity), 2)
    birth = _birth_level(first.birth, second.birth) if first.birth and second.birth else None
    address = _address(first, second)
    phone = None
    if first.phone and second.phone:
        phone = 0 if first.phone == second.phone else 1
    if model is not None and floor is not None:
        bound = 0.0
        for field_name, level in (("identity", identity), ("birth", birth), ("phone", phone)):
            if level is not None:
                bound += model.weight(field_name, level)
        if isinstance(address, tuple):
            bound += max(model.weight("address", level) for level in address)
        elif address is not None:
            bound += model.weight("address", address)
        if first.surnames and second.surnames:
            bound += model.best("surname")
        if first.given and second.given:
            bound += model.best("given")
        if bound < floor:
            return None
    similarity: dict[str, float] = {}
    surname = None
    if first.surnames and second.surnames:
        surname = _names(
            first.surnames, second.surnames, False, first.surname_forms, second.surname_forms
        )
    given = None
    if first.given and second.given:
        given = _names(first.given, second.given, True, first.given_forms, second.given_forms)
    if model is not None and floor is not None and (surname or given):
        # The bound again, with the names' own weights: most candidates end here (neighbours,
        # namesakes), before anything is built for them.
        if surname is not None:
            bound += model.weight("surname", surname[0]) - model.best("surname")
        if given is not None:
            bound += model.weight("given", given[0]) - model.best("given")
        if bound < floor:
            return None
    if surname is not None:
        similarity["surname"] = surname[1]
    if given is not None:
        similarity["given"] = given[1]
    levels = (
        identity,
        surname[0] if surname is not None else None,
        given[0] if given is not None else None,
        birth,
        address if not isinstance(address, tuple) else None,
        phone,
    )
    options = address if isinstance(address, tuple) else None
    return ProfileComparison(Comparison(levels, similarity), options)
