"""Blocking keys: the few index entries under which a person is filed, and the keys a query looks
up. Pure functions. Two records that may be the same person share at least one key in all but
the rarest cases (the synthetic benchmark measures how rare), so candidates are found by index
lookups whose cost does not grow with the register.

Phone numbers and addresses are encrypted at rest, so their keys are keyed hashes (`Hasher`),
never the text: the index does not undo the encryption.
"""

from __future__ import annotations

from collections.abc import Callable

from igor.people.normalise import transposition_key
from igor.people.scoring import MatchRecord

Hasher = Callable[[str], str]


def _name_keys(record: MatchRecord) -> set[str]:
    keys: set[str] = set()
    given = record.name.given_skeletons()
    surnames = record.name.surname_skeletons()
    for first in given[:2]:
        for last in surnames:
            keys.add(f"n:{first}|{last}")
    birth = record.birth
    if birth is not None and birth.month is not None:
        month = f"{birth.year:04d}{birth.month:02d}"
        keys.update(f"s:{last}|{month}" for last in surnames)
        keys.update(f"g:{first}|{month}" for first in given[:2])
    return keys


def index_keys(record: MatchRecord, hasher: Hasher) -> set[str]:
    """The keys a person is filed under."""
    keys = _name_keys(record)
    if record.identity:
        keys.add(f"i:{record.identity}")
        keys.add(f"t:{transposition_key(record.identity)}")
    if record.birth is not None and record.birth.is_full:
        keys.add(f"b:{record.birth.iso()}")
    if record.phone:
        keys.add(f"p:{hasher(record.phone)}")
    if record.address is not None and record.address.building_key():
        keys.add(f"a:{hasher(record.address.building_key())}")
    return keys


def query_keys(record: MatchRecord, hasher: Hasher) -> set[str]:
    """The keys to look up for a query: its own, and the swapped day and month of its birth date."""
    keys = index_keys(record, hasher)
    birth = record.birth
    if birth is not None and birth.is_full and birth.day is not None and birth.day <= 12:
        assert birth.month is not None
        keys.add(f"b:{birth.year:04d}-{birth.day:02d}-{birth.month:02d}")
        for last in record.name.surname_skeletons():
            keys.add(f"s:{last}|{birth.year:04d}{birth.day:02d}")
    return keys


def register_keys(record: MatchRecord, hasher: Hasher) -> set[str]:
    """The keys a person is filed under in the register's index: `index_keys`, and the building
    with each name."""
    return index_keys(record, hasher) | building_name_keys(record, hasher)


def lookup_keys(record: MatchRecord, hasher: Hasher) -> set[str]:
    """The keys the real-time lookup reads in the register's index: `query_keys`, and the
    building with each name."""
    return query_keys(record, hasher) | building_name_keys(record, hasher)


def building_name_keys(record: MatchRecord, hasher: Hasher) -> set[str]:
    """A building with one of the names, for the register's index and the real-time lookup:
    "Johan Ek, Ringvägen 12" then finds Johan (or an Ek) of that building among a few persons,
    where the building's own key holds all its residents, and a large building's residents grow
    with the register. The building's own key stays, so a person whose names are both written
    differently is still found there. File linkage, which compares whole blocks at once, does
    without them."""
    building = record.address.building_key() if record.address is not None else ""
    if not building:
        return set()
    names = [f"g{first}" for first in record.name.given_skeletons()[:2]]
    names += [f"s{last}" for last in record.name.surname_skeletons()]
    return {f"an:{hasher(f'{building}|{name}')}" for name in names}
