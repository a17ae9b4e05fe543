"""Normalisation of Swedish person data for record linkage. Pure functions, no database.

Each normaliser takes what a person typed or a register exported and returns a comparable form,
or None when nothing usable is there: names folded and reduced to a sound skeleton, identity
numbers to 12 digits with century, birth dates to (possibly partial) dates, addresses to street,
number, letter, flat and postcode, phone numbers to E.164.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import phonenumbers
from rapidfuzz.distance import JaroWinkler

# --- Names ---------------------------------------------------------------------------------------

# Swedish letters and their ASCII spellings (passports write Å Ä Ö as AA AE OE) fold to one form.
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "ü": "u", "ß": "ss"})
_ASCII_SPELLINGS = (("aa", "a"), ("ae", "a"), ("oe", "o"))
_NOT_LETTER = re.compile(r"[^a-z]+")

# Sound rules applied in order to a folded name: spellings that are said alike become one form.
_SOUNDS = (
    ("sch", "x"),
    ("stj", "x"),
    ("skj", "x"),
    ("sj", "x"),
    ("ch", "x"),
    ("tj", "x"),
    ("kj", "x"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("dt", "t"),
    ("qu", "kv"),
    ("q", "k"),
    ("w", "v"),
    ("z", "s"),
    ("x", "ks"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_SILENT_INITIAL = re.compile(r"^(h|d|g|l)(?=j)")
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouy]")

# Common short forms of Swedish given names, mapped to the full name they stand for.
NICKNAMES = {
    "kalle": "karl",
    "calle": "carl",
    "lasse": "lars",
    "pelle": "per",
    "janne": "jan",
    "jonte": "jonathan",
    "micke": "mikael",
    "mike": "mikael",
    "bosse": "bo",
    "nisse": "nils",
    "olle": "olof",
    "putte": "per",
    "sune": "sven",
    "svenne": "sven",
    "kicki": "kristina",
    "stina": "kristina",
    "tina": "kristina",
    "lotta": "charlotte",
    "lotte": "charlotte",
    "majken": "maria",
    "maja": "maria",
    "mia": "maria",
    "lisa": "elisabet",
    "lisbet": "elisabet",
    "betty": "elisabet",
    "ulla": "ulrika",
    "gittan": "birgitta",
    "gun": "gunilla",
    "anki": "anna",
    "annie": "anna",
    "fia": "sofia",
    "sussie": "susanne",
    "bella": "isabella",
    "ali": "ali",
    "mo": "mohammed",
    "hamid": "hamid",
    "tove": "tove",
    "jocke": "joakim",
    "hasse": "hans",
    "tompa": "tomas",
    "totte": "torsten",
    "ante": "anders",
    "danne": "daniel",
    "robban": "robert",
    "sebbe": "sebastian",
    "fredde": "fredrik",
    "steffe": "stefan",
    "patte": "patrik",
    "mange": "magnus",
    "uffe": "ulf",
}


# The normalisers below are pure functions of short strings that recur across a register (a few
# thousand names and streets among millions of persons, every candidate's name once per query), so
# their results are remembered; each cache is bounded, and holds only what its process had read.
_RECURRING = functools.lru_cache(maxsize=65536)


@_RECURRING
def fold(text: str) -> str:
    """Lower case, Swedish letters and other diacritics folded to a–z, separators kept as spaces."""
    text = text.casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


def tokens(text: str) -> tuple[str, ...]:
    """The folded parts of a name: "Anna-Karin" and "Svensson Lind" give two each."""
    return tuple(fold(text).split())


def canonical_given(token: str) -> str:
    """A given name with a known short form replaced by the name it stands for."""
    return NICKNAMES.get(token, token)


@_RECURRING
def skeleton(token: str) -> str:
    """A sound skeleton of one folded name part: first letter, then its consonants as said.

    "Karlsson", "Carlson" and "Karlzon" all give "krlsn"; "Mohammed" and "Muhammad" "mhmd".
    """
    if not token:
        return ""
    text = token
    for spelled, said in _ASCII_SPELLINGS:
        text = text.replace(spelled, said)
    text = _SILENT_INITIAL.sub("", text)
    text = _SOFT_C.sub("s", text)
    for spelled, said in _SOUNDS:
        text = text.replace(spelled, said)
    text = text.replace("c", "k")
    text = _DOUBLE.sub(r"\1", text)
    head, rest = text[0], text[1:]
    return head + _DOUBLE.sub(r"\1", _VOWELS.sub("", rest).replace("h", ""))


@dataclass(frozen=True)
class Name:
    """Given names and surnames, folded; either may be empty."""

    given: tuple[str, ...]
    surnames: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.given and not self.surnames

    def given_skeletons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(skeleton(canonical_given(part)) for part in self.given))

    def surname_skeletons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(skeleton(part) for part in self.surnames))


def parse_name(given: str = "", surname: str = "", *, full: str = "") -> Name:
    """A name from separate fields, or from one free-text field ("Johan Ek", "Ek, Johan").

    In free text a comma means "surname, given names"; otherwise the last part is the surname.
    """
    if full and not (given or surname):
        if "," in full:
            surname, _, given = full.partition(",")
        else:
            parts = full.split()
            given, surname = " ".join(parts[:-1]), " ".join(parts[-1:])
            if not given:  # one word: a given name is the likelier ("Johan, the man upstairs")
                given, surname = surname, ""
    return Name(tokens(given), tokens(surname))


# --- Identity numbers ----------------------------------------------------------------------------


_ID_TEXT = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for index, char in enumerate(ten_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


@dataclass(frozen=True)
class IdentityNumber:
    """A personnummer or samordningsnummer as 12 digits with century."""

    digits: str

    @property
    def is_coordination(self) -> bool:
        return int(self.digits[6:8]) > 60

    @property
    def birth_date(self) -> datetime.date | None:
        day = int(self.digits[6:8])
        try:
            return datetime.date(
                int(self.digits[:4]), int(self.digits[4:6]), day - 60 if day > 60 else day
            )
        except ValueError:
            return None


_SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_today() -> datetime.date:
    """Today's date in Sweden, whatever the server's clock zone: identity numbers and birth
    dates are Swedish calendar dates, so a 10-digit number of someone born today reads right
    in the hours around midnight too."""
    return datetime.datetime.now(_SWEDEN).date()


def normalise_identity(raw: str, *, today: datetime.date | None = None) -> IdentityNumber | None:
    """12 digits with century from "YYYYMMDD-NNNN", "YYMMDD-NNNN", "YYMMDD+NNNN" (100 years or
    older) and the same without separators or with spaces; None when it is not one (bad check
    digit or date included). A 10-digit number gets the latest century that is not in the future.
    """
    text = re.sub(r"\s", "", raw or "")
    found = _ID_TEXT.match(text)
    if not found:
        return None
    century, date, separator, serial = found.groups()
    if not luhn_ok(date + serial):
        return None
    if century is None:
        today = today or swedish_today()
        year = 2000 + int(date[:2])
        if year > today.year or (year == today.year and date[2:] > today.strftime("%m%d")):
            year -= 100
        if separator == "+":
            year -= 100
        century = str(year)[:2]
    number = IdentityNumber(century + date + serial)
    return number if number.birth_date is not None else None


def identity_agreement(first: str, second: str) -> str:
    """ "same", "transposed" (two neighbouring digits swapped), "near" (one digit differs),
    or "different", for two 12-digit numbers."""
    if first == second:
        return "same"
    if len(first) != len(second):
        return "different"
    if _ascii_digits(first) and _ascii_digits(second):
        if not _may_be_close(int(first), int(second)):
            return "different"  # most pairs: decided without looking at the digits one by one
    differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and first[differ[0]] == second[differ[1]]
        and first[differ[1]] == second[differ[0]]
    ):
        return "transposed"
    if len(differ) == 1:
        return "near"
    return "different"


def _ascii_digits(text: str) -> bool:
    """Digits 0-9 only: other scripts' digits are equal as numbers (int("١") == 1) while
    they differ as characters, which is what the numbers are compared by."""
    return text.isascii() and text.isdigit()


def _may_be_close(first: int, second: int) -> bool:
    """Whether two different numbers may differ in one digit or by two neighbours swapped.

    One digit off leaves a difference of k times a power of ten, a swap of neighbours x and y
    one of 9·|x − y| times a power of ten (k, |x − y| from 1 to 9): without its trailing zeros,
    below 10, or a multiple of 9 up to 81. Any other difference rules both out."""
    difference = abs(first - second)
    while difference % 10 == 0:
        difference //= 10
    return difference < 10 or (difference % 9 == 0 and difference <= 81)


def transposition_key(digits: str) -> str:
    """The same for a number and any version with digits swapped: its digits, sorted."""
    return "".join(sorted(digits[2:]))


# --- Birth dates ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PartialDate:
    """A birth date as far as it is known: the year always, month and day when given."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, date: datetime.date) -> PartialDate:
        return cls(date.year, date.month, date.day)

    @property
    def is_full(self) -> bool:
        return self.month is not None and self.day is not None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


_ISO = re.compile(r"^(\d{4})(?:[-./ ]?(\d{1,2})(?:[-./ ]?(\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})$")
_COMPACT_SHORT = re.compile(r"^(\d{2})(\d{2})(\d{2})$")


def _valid(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not 1850 <= year <= 2100:
        return None
    if month is None:
        return PartialDate(year)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return PartialDate(year, month)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def parse_birth_date(raw: str, *, today: datetime.date | None = None) -> PartialDate | None:
    """A birth date from "1985-04-12", "19850412", "850412", "12/4/1985", "12.04.1985", or
    just "1985" or "1985-04"; None for anything else or an impossible date."""
    text = (raw or "").strip()
    if not text:
        return None
    if found := _COMPACT_SHORT.match(text):
        short, month, day = (int(part) for part in found.groups())
        today = today or swedish_today()
        year = 2000 + short if 2000 + short <= today.year else 1900 + short
        return _valid(year, month, day)
    if found := _ISO.match(text):
        parts = found.groups()
        return _valid(int(parts[0]), _int(parts[1]), _int(parts[2]))
    if found := _DAY_FIRST.match(text):
        parts = found.groups()
        return _valid(int(parts[2]), int(parts[1]), int(parts[0]))
    return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def birth_agreement(first: PartialDate, second: PartialDate) -> str:
    """ "same", "swapped" (day and month exchanged), "partial" (agree as far as both go, one is
    partial), "year" (same year, month or day differ), "near" (a year apart, rest the same) or
    "different"."""
    if first == second and first.is_full:
        return "same"
    if first.year == second.year:
        if first.is_full and second.is_full:
            if (first.month, first.day) == (second.day, second.month):
                return "swapped"
            return "year"
        if first.month is None or second.month is None or first.month == second.month:
            both_days = first.day is not None and second.day is not None
            return "year" if both_days and first.day != second.day else "partial"
        return "year"
    if (
        abs(first.year - second.year) == 1
        and first.is_full
        and (first.month, first.day) == (second.month, second.day)
    ):
        return "near"
    return "different"


# --- Addresses -----------------------------------------------------------------------------------

# Abbreviated street words before a number: "Storg.", "Ringv.", "Hornsg", "Sveav 44". A bare
# final g is expanded only after s or g ("Hornsg", "Drottningg"), so "Berg" and "Mariatorg" stay.
_ABBREVIATIONS = (
    (re.compile(r"(?:g|gat)\.$|(?<=[sg])g$|gat$"), "gatan"),
    (re.compile(r"(?:v|väg|vag)\.$|v$|väg$|vag$"), "vägen"),
    (re.compile(r"pl\.$"), "plan"),
)
_POSTCODE = re.compile(r"\b(\d{3})\s?(\d{2})\b")
_FLAT = re.compile(r"\b(?:lgh|lägenhet|lagenhet|lgh\.)\s*(?:nr\.?\s*)?(\d{4})\b", re.IGNORECASE)
_CARE_OF = re.compile(r"\bc/o\b[^,]*,?", re.IGNORECASE)
_STREET_NUMBER = re.compile(r"^(.*?\D)\s*(\d{1,4})\s*([A-Za-z])?\b(.*)$")


@dataclass(frozen=True)
class Address:
    street: str  # folded, abbreviations written out: "ringvagen"
    number: str = ""  # "12"
    letter: str = ""  # "b"
    flat: str = ""  # lgh number, 4 digits
    postcode: str = ""  # 5 digits

    def building_key(self) -> str:
        """Street and number: the same building whoever writes it."""
        return f"{self.street}|{self.number}" if self.street and self.number else ""


def parse_address(street: str, postcode: str = "") -> Address | None:
    """An address from a street line ("Ringvägen 12 B lgh 1102", "Storg. 5") and an optional
    postcode; a postcode and city may also sit in the street line after a comma."""
    text = _CARE_OF.sub(" ", street or "")
    flat = ""
    if found := _FLAT.search(text):
        flat = found.group(1)
        text = text[: found.start()] + " " + text[found.end() :]
    code = re.sub(r"\D", "", postcode or "")
    line, _, rest = text.partition(",")
    if not code and (found := _POSTCODE.search(rest)):
        code = found.group(1) + found.group(2)
    number = letter = ""
    name = line
    if found := _STREET_NUMBER.match(line.strip()):
        name, number, letter = found.group(1), found.group(2), (found.group(3) or "")
    folded = street_name(name)
    if not folded and not code:
        return None
    return Address(folded, number.lstrip("0"), letter.lower(), flat, code if len(code) == 5 else "")


@_RECURRING
def street_name(text: str) -> str:
    """A street's name folded, spaces dropped and abbreviations written out: "Storg." gives
    "storgatan"."""
    name = text.strip().casefold()
    for pattern, written in _ABBREVIATIONS:
        if pattern.search(name):
            name = pattern.sub(written, name)
            break
    return fold(name).replace(" ", "")


STREETS_CLOSE = 0.93  # Jaro–Winkler similarity of two spellings of one street


def streets_close(first: str, second: str) -> bool:
    """Two folded street names that are one street written differently."""
    return JaroWinkler.similarity(first, second) >= STREETS_CLOSE


def address_agreement(first: Address, second: Address) -> str:
    """ "same" (street and number), "street" (same street, other or no number), "postcode" or
    "different"."""
    if first.street and second.street:
        close = streets_close(first.street, second.street)
        if close and first.number and first.number == second.number:
            return "same"
        if close:
            return "street"
    if first.postcode and first.postcode == second.postcode:
        return "postcode"
    return "different"


# --- Phone numbers -------------------------------------------------------------------------------


@_RECURRING
def normalise_phone(raw: str, region: str = "SE") -> str | None:
    """E.164 ("+46701740605") for a valid number; Swedish when it has no country code."""
    text = (raw or "").strip()
    if not text or not re.search(r"\d", text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
