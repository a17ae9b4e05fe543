"""Every normaliser with Swedish edge cases. No database."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from igor.people.normalise import (
    Address,
    PartialDate,
    address_agreement,
    birth_agreement,
    fold,
    identity_agreement,
    normalise_identity,
    normalise_phone,
    parse_address,
    parse_birth_date,
    parse_name,
    skeleton,
)

TODAY = datetime.date(2026, 11, 27)


def _check(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def number(date: str, serial: str = "123") -> str:
    return date + serial + _check(date[2:] + serial)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Åsa Ödmark", "asa odmark"),
        ("ÄNGSTRÖM", "angstrom"),
        ("Anna-Karin", "anna karin"),
        ("  Per   Olof ", "per olof"),
        ("Müller", "muller"),
        ("José", "jose"),
        ("O'Brien", "o brien"),
    ],
)
def test_fold_lowers_and_folds_swedish_letters_and_separators(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    "variants",
    [
        ("Karlsson", "Carlsson", "Karlson", "Karlzon"),
        ("Eriksson", "Ericsson", "Erikson"),
        ("Sjöberg", "Schöberg", "Sjoberg", "Sjoeberg"),
        ("Mohammed", "Muhammad", "Mohamed"),
        ("Hjalmar", "Jalmar"),
        ("Philip", "Filip"),
        ("Öberg", "Oeberg", "Oberg"),
        ("Thomas", "Tomas"),
        ("Cecilia", "Sesilia"),
        ("Wilhelm", "Vilhelm"),
    ],
)
def test_spelling_variants_share_one_sound_skeleton(variants: tuple[str, ...]) -> None:
    assert len({skeleton(fold(name).replace(" ", "")) for name in variants}) == 1


def test_names_split_into_given_names_and_surnames() -> None:
    assert parse_name("Anna-Karin", "Svensson-Lind").given == ("anna", "karin")
    assert parse_name("Anna-Karin", "Svensson Lind").surnames == ("svensson", "lind")
    assert parse_name(full="Ek, Johan Per").given == ("johan", "per")
    assert parse_name(full="Johan Ek").surnames == ("ek",)
    assert parse_name(full="Johan").given == ("johan",)  # one word: a given name
    assert parse_name("", "").is_empty


def test_nicknames_share_the_full_names_skeleton() -> None:
    assert parse_name("Kalle", "").given_skeletons() == parse_name("Karl", "").given_skeletons()
    assert parse_name("Pelle", "").given_skeletons() == parse_name("Per", "").given_skeletons()


@pytest.mark.parametrize(
    "written",
    [
        "{c}{d}-{s}",
        "{c}{d}{s}",
        "{d}-{s}",
        "{d}{s}",
        "{c}{d} {s}",
        " {d} - {s} ",
    ],
)
def test_identity_numbers_with_10_or_12_digits_and_separators_normalise_alike(
    written: str,
) -> None:
    full = number("19850412")
    raw = written.format(c=full[:2], d=full[2:8], s=full[8:])
    assert normalise_identity(raw, today=TODAY).digits == full  # type: ignore[union-attr]


def test_a_plus_sign_means_a_hundred_years_or_more() -> None:
    old = number("19200412")
    assert normalise_identity(old[2:8] + "+" + old[8:], today=TODAY).digits == old  # type: ignore[union-attr]
    assert normalise_identity(old[2:8] + "-" + old[8:], today=TODAY).digits == "20" + old[2:]  # type: ignore[union-attr]
    young = number("20150412")
    assert normalise_identity(young[2:8] + "-" + young[8:], today=TODAY).digits == young  # type: ignore[union-attr]


def test_the_century_of_a_10_digit_number_follows_the_swedish_calendar_around_midnight() -> None:
    # 00:30 in Stockholm on 29 November is still 28 November on a server clock in UTC.
    born_today = number("20261129")
    short = born_today[2:8] + "-" + born_today[8:]
    with time_machine.travel(
        datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert normalise_identity(short).digits == born_today  # type: ignore[union-attr]
        assert parse_birth_date("261129") == parse_birth_date("2026-11-29")


def test_a_coordination_number_keeps_its_day_plus_60_and_gives_the_birth_date() -> None:
    coordination = number("19850472")
    parsed = normalise_identity(coordination, today=TODAY)
    assert parsed is not None and parsed.is_coordination
    assert parsed.birth_date == datetime.date(1985, 4, 12)


@pytest.mark.parametrize("raw", ["", "abc", "19850412-1234x", "19851332-1235", "12345"])
def test_garbage_and_bad_check_digits_are_not_identity_numbers(raw: str) -> None:
    good = number("19850412")
    assert normalise_identity(raw, today=TODAY) is None
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert normalise_identity(bad_check, today=TODAY) is None


def test_transposed_and_near_identity_numbers() -> None:
    first = "198504121234"
    assert identity_agreement(first, first) == "same"
    assert identity_agreement(first, "198504211234") == "transposed"
    assert identity_agreement(first, "198504121235") == "near"
    assert identity_agreement(first, "197001019999") == "different"


def _agreement_digit_by_digit(first: str, second: str) -> str:
    if first == second:
        return "same"
    differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    if len(differ) == 1:
        return "near"
    swapped = (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and (first[differ[0]], first[differ[1]]) == (second[differ[1]], second[differ[0]])
    )
    return "transposed" if swapped else "different"


@st.composite
def identity_pairs(draw: st.DrawFn) -> tuple[str, str]:
    first = draw(st.text("0123456789", min_size=12, max_size=12))
    second = list(first)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, 11))
        if draw(st.booleans()) and at < 11:
            second[at], second[at + 1] = second[at + 1], second[at]
        else:
            second[at] = draw(st.sampled_from("0123456789"))
    return first, "".join(second)


@given(identity_pairs())
@settings(max_examples=500)
def test_identity_agreement_equals_comparing_digit_by_digit(pair: tuple[str, str]) -> None:
    first, second = pair
    assert identity_agreement(first, second) == _agreement_digit_by_digit(first, second)


def test_identity_agreement_compares_other_scripts_digits_as_characters() -> None:
    # Equal as numbers, different as characters: one digit differs.
    assert identity_agreement("1" * 12, "\u0661" + "1" * 11) == "near"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-04-12", PartialDate(1985, 4, 12)),
        ("19850412", PartialDate(1985, 4, 12)),
        ("850412", PartialDate(1985, 4, 12)),
        ("120412", PartialDate(2012, 4, 12)),
        ("12/4/1985", PartialDate(1985, 4, 12)),
        ("12.04.1985", PartialDate(1985, 4, 12)),
        ("1985", PartialDate(1985)),
        ("1985-04", PartialDate(1985, 4)),
        ("1985-02-30", None),
        ("1985-13-01", None),
        ("garbage", None),
        ("", None),
    ],
)
def test_birth_dates_in_the_forms_people_write_them(raw: str, expected: object) -> None:
    assert parse_birth_date(raw, today=TODAY) == expected


def test_birth_date_agreement_levels() -> None:
    day = PartialDate(1985, 4, 12)
    assert birth_agreement(day, day) == "same"
    assert birth_agreement(day, PartialDate(1985, 12, 4)) == "swapped"
    assert birth_agreement(day, PartialDate(1985)) == "partial"
    assert birth_agreement(day, PartialDate(1985, 4)) == "partial"
    assert birth_agreement(day, PartialDate(1986, 4, 12)) == "near"
    assert birth_agreement(day, PartialDate(1985, 6, 1)) == "year"
    assert birth_agreement(day, PartialDate(1990, 1, 1)) == "different"


@pytest.mark.parametrize(
    ("street", "postcode", "expected"),
    [
        ("Ringvägen 12", "", Address("ringvagen", "12")),
        ("Ringv. 12", "", Address("ringvagen", "12")),
        ("Storg. 5 B", "", Address("storgatan", "5", "b")),
        ("Hornsg 3", "", Address("hornsgatan", "3")),
        ("Götgatan 12 lgh 1203", "", Address("gotgatan", "12", "", "1203")),
        ("Götgatan 12, lgh 1203", "118 46", Address("gotgatan", "12", "", "1203", "11846")),
        ("Ringvägen 12 B, 118 60 Stockholm", "", Address("ringvagen", "12", "b", "", "11860")),
        ("c/o Andersson, Berg 3", "", Address("berg", "3")),
        ("", "", None),
        ("Mariatorget 2", "", Address("mariatorget", "2")),
        ("Berg 3", "", Address("berg", "3")),
    ],
)
def test_addresses_parse_into_street_number_letter_flat_and_postcode(
    street: str, postcode: str, expected: Address | None
) -> None:
    parsed = parse_address(street, postcode)
    assert parsed == expected


def test_address_agreement_levels() -> None:
    home = Address("ringvagen", "12", "", "", "11860")
    assert address_agreement(home, Address("ringvagen", "12")) == "same"
    assert address_agreement(home, Address("ringvagen", "14")) == "street"
    assert address_agreement(home, Address("hornsgatan", "1", "", "", "11860")) == "postcode"
    assert address_agreement(home, Address("sveavagen", "1")) == "different"


@pytest.mark.parametrize(
    "raw", ["070-174 06 05", "0701740605", "+46 70 174 06 05", "0046701740605", "070 174 06 05"]
)
def test_phone_numbers_become_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+46701740605"


@pytest.mark.parametrize("raw", ["", "garbage", "123", "070-17"])
def test_invalid_phone_numbers_are_left_out(raw: str) -> None:
    assert normalise_phone(raw) is None
