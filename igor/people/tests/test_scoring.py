"""Scoring: symmetry, a record matching itself, reasons, and m/u estimated from data."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from igor.people.scoring import (
    DEFAULT_MODEL,
    FIELDS,
    HOUSEHOLD_CEILING,
    LEVELS,
    MatchRecord,
    compare,
    estimate_m,
    estimate_u,
    make_record,
    match,
)

GIVEN = ["Johan", "Anna-Karin", "Mohammed", "Åsa", "Per Olof", "Kalle", "Karl", "Lisa", ""]
SURNAMES = ["Ek", "Eek", "Karlsson", "Carlsson", "Svensson-Lind", "Öberg", "Oberg", "Nilsson", ""]
STREETS = ["Ringvägen 12", "Ringv. 12 B", "Hornsgatan 3, 118 46", "Storg. 5 lgh 1102", "", "xx"]
POSTCODES = ["", "118 46", "11846", "117 43"]
PHONES = ["070-174 06 05", "+46 70 174 06 06", "", "nonsense"]
DATES = ["1985-04-12", "1985-12-04", "1985", "12/4/1985", "", "1999-02-30", "19850412"]
IDS = ["198504121230", "850412-1230", "198504211230", "", "garbage"]


def records_from(
    given: list[str], surnames: list[str], dates: list[str], streets: list[str]
) -> st.SearchStrategy[MatchRecord]:
    """Records drawn from these values, the names also from any short text."""
    return st.builds(
        make_record,
        given=st.sampled_from(given) | st.text(max_size=12),
        surname=st.sampled_from(surnames) | st.text(max_size=12),
        identity=st.sampled_from(IDS),
        birth=st.sampled_from(dates),
        street=st.sampled_from(streets),
        postcode=st.sampled_from(POSTCODES),
        phone=st.sampled_from(PHONES),
    )


records = records_from(GIVEN, SURNAMES, DATES, STREETS)


@given(records, records)
@settings(max_examples=400, deadline=None)
def test_matching_is_symmetric(first, second) -> None:
    assert compare(first, second) == compare(second, first)
    assert match(first, second) == match(second, first)


register_records = st.builds(
    make_record,
    given=st.sampled_from([g for g in GIVEN if g]),
    surname=st.sampled_from([s for s in SURNAMES if s]),
    identity=st.sampled_from(IDS),
    birth=st.sampled_from(["1985-04-12", "1970-01-31", "2001-12-24"]),
    street=st.sampled_from(STREETS),
    phone=st.sampled_from(PHONES),
)


@given(register_records)
@settings(max_examples=300, deadline=None)
def test_a_register_record_always_matches_itself_as_certain(record) -> None:
    """A register record has a name and a birth date (or an identity number)."""
    assert match(record, record).match_class == "certain"


@given(st.builds(make_record, identity=st.just("198504121230")))
def test_an_identity_number_alone_matches_itself_as_certain(record) -> None:
    assert match(record, record).match_class == "certain"


def test_reasons_name_the_fields_that_decided() -> None:
    tip = make_record(full_name="Johan", street="Ringvägen 12")
    known = make_record(given="Johan", surname="Ek", birth="1985-04-12", street="Ringv. 12")
    result = match(tip, known)
    assert result.match_class == "probable"
    assert {(r.field, r.level) for r in result.reasons} == {("given", "same"), ("address", "same")}


def test_typos_swapped_dates_and_variants_still_match() -> None:
    known = make_record(given="Mohammed", surname="Karlsson", birth="1985-04-12")
    typed = make_record(given="Muhammad", surname="Carlson", birth="1985-12-04")
    assert match(known, typed).match_class in ("certain", "probable")


def test_different_people_do_not_match() -> None:
    first = make_record(given="Anna", surname="Ek", birth="1985-04-12", phone="0701740605")
    second = make_record(given="Lars", surname="Berg", birth="1961-09-30", phone="0701740699")
    assert match(first, second).match_class == "unlikely"


def test_a_household_member_is_never_more_than_possible() -> None:
    """Anna and Johan Ek live at Ringvägen 12, with one phone; the same surname, building and
    phone would make him a probable or certain match for her, and her twin Eva likewise."""
    anna = make_record(
        given="Anna", surname="Ek", birth="1985-04-12", street="Ringvägen 12", phone="0701740605"
    )
    johan = make_record(given="Johan", surname="Ek", street="Ringv. 12", phone="0701740605")
    twin = make_record(given="Eva", surname="Eek", birth="1985-04-12", street="Ringvägen 12")
    for other in (johan, twin):
        result = match(anna, other)
        assert (result.match_class, result.weight) == ("possible", HOUSEHOLD_CEILING)
        assert ("household", "ceiling") in {(r.field, r.level) for r in result.reasons}
        assert match(other, anna) == result


def test_the_household_rule_leaves_agreeing_numbers_and_swapped_names_alone() -> None:
    """An identity number that agrees outweighs the first name; a given name and surname
    written the other way round are not a household's look (the surnames differ too)."""
    anna = make_record(given="Anna", surname="Ek", identity="198504121230", street="Ringvägen 12")
    as_nickname = make_record(given="Lotta", surname="Ek", identity="198504121230")
    assert match(anna, as_nickname).match_class == "certain"
    johan = make_record(given="Johan", surname="Ek", birth="1980-03-04", street="Ringvägen 12")
    swapped = make_record(given="Ek", surname="Johan", birth="1980-03-04", street="Ringvägen 12")
    result = match(johan, swapped)
    assert result.match_class == "probable"
    assert "household" not in {r.field for r in result.reasons}


def _vector(rng: random.Random, matched: bool) -> tuple[int | None, ...]:
    levels: list[int | None] = []
    for name in FIELDS:
        count = len(LEVELS[name])
        if rng.random() < 0.2:
            levels.append(None)
        elif matched:
            levels.append(0 if rng.random() < 0.85 else rng.randrange(count))
        else:
            levels.append(count - 1 if rng.random() < 0.9 else rng.randrange(count))
    return tuple(levels)


def test_em_recovers_that_agreement_is_likelier_among_matches() -> None:
    rng = random.Random(7)
    random_pairs = [_vector(rng, False) for _ in range(5000)]
    candidates = [_vector(rng, True) for _ in range(800)] + [
        _vector(rng, False) for _ in range(1200)
    ]
    u = estimate_u(random_pairs)
    model = estimate_m(candidates, u)
    for name in FIELDS:
        assert model.m[name][0] > 0.7, name
        assert model.u[name][-1] > 0.8, name
        assert abs(sum(model.m[name]) - 1) < 1e-6
    assert model.weight("birth", 0) > 0 > model.weight("birth", len(LEVELS["birth"]) - 1)


def test_estimating_from_nothing_keeps_the_prior_model() -> None:
    assert estimate_m([], estimate_u([])).m == DEFAULT_MODEL.m
