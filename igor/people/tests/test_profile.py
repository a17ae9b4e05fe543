"""Match profiles: comparing a query with a stored profile gives what `compare` gives on the full
records, the bound is never below the true weight, and a profile survives its text form."""

from __future__ import annotations

from hypothesis import given, settings

from igor.people.linkage import plain_hasher
from igor.people.normalise import streets_close
from igor.people.profile import compare_profile, decode, encode, profile_of
from igor.people.scoring import DEFAULT_MODEL, compare, make_record, score
from igor.people.tests.test_scoring import records


def _stored(record):  # what the lookup reads back; the street "sealed" as itself
    return decode(encode(profile_of(record, plain_hasher, seal=lambda street: street)))


@given(records, records)
@settings(max_examples=500, deadline=None)
def test_a_profile_compares_as_the_full_record_does(query, person) -> None:
    compared = compare_profile(profile_of(query, plain_hasher), _stored(person))
    assert compared is not None
    close = False
    if compared.address_options is not None:
        assert query.address is not None and person.address is not None
        close = streets_close(query.address.street, _stored(person).street_sealed)
    exact = compare(query, person)
    assert compared.decided(close) == exact
    assert compared.decided(close).similarity == exact.similarity
    assert compared.bound(DEFAULT_MODEL) >= score(exact).weight - 0.01
    early = compare_profile(profile_of(query, plain_hasher), _stored(person), DEFAULT_MODEL, 6.0)
    assert early is not None or score(exact).weight < 6.0


def test_close_streets_are_left_open_and_decided_by_the_sealed_text() -> None:
    query = make_record(given="Johan", surname="Ek", street="Ringvägen 12")
    person = make_record(given="Johan", surname="Ek", street="Ringvgen 12")
    compared = compare_profile(profile_of(query, plain_hasher), _stored(person))
    assert compared is not None and compared.address_options is not None
    assert compared.decided(close_streets=True) == compare(query, person)
    address = [r.level for r in score(compare(query, person)).reasons if r.field == "address"]
    assert address == ["same"]
