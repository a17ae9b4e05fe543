"""Persons named in a tip's free text."""

from __future__ import annotations

from igor.people.free_text import records_from_text


def test_a_first_name_and_an_address_in_one_sentence() -> None:
    records = records_from_text("Johan, mannen i lägenheten ovanför, Ringvägen 12")
    assert len(records) == 1
    assert records[0].name.given == ("johan",)
    assert records[0].address is not None and records[0].address.building_key() == "ringvagen|12"


def test_two_people_and_a_birth_year() -> None:
    records = records_from_text("Sara Ek (född 1990) och hennes sambo Ali")
    names = [(r.name.given, r.name.surnames) for r in records]
    assert (("sara",), ("ek",)) in names and (("ali",), ()) in names
    assert records[0].birth is not None and records[0].birth.year == 1990


def test_the_place_field_gives_the_address() -> None:
    records = records_from_text("Grannen Johan Ek", "Storgatan 5, Södermalm")
    assert records[0].name.surnames == ("ek",)
    assert records[0].address is not None and records[0].address.street == "storgatan"


def test_nothing_usable_gives_nothing() -> None:
    assert records_from_text("") == []
    assert records_from_text("han slår henne varje helg") == []


def test_a_phone_number_goes_with_the_names_and_is_not_read_as_a_date() -> None:
    records = records_from_text("Johan Ek, ring 070-174 06 05")
    assert records[0].phone == "+46701740605"
    assert records[0].birth is None


def test_a_phone_number_alone_is_a_record() -> None:
    records = records_from_text("han ringer från +46 70 174 06 05")
    assert len(records) == 1 and records[0].phone == "+46701740605"


def test_a_number_that_is_no_phone_is_left_out() -> None:
    records = records_from_text("Johan Ek 0123")
    assert records[0].phone is None
