"""Persons named in free text (a tip's "who is involved" and "where"), as match records. Pure.

A tipster writes "Johan, the man in the flat above, Ringvägen 12" or "Sara Ek (född 1990) och
hennes sambo Ali". The text is split into parts at commas, semicolons, new lines, "och"/"and";
a part with a street and number is an address, a part with a year or date a birth date, and
capitalised words form a name. Every name found gets the address, birth date and phone number
written near it; a phone number is taken only when it is a valid one (libphonenumber).
"""

from __future__ import annotations

import re

from igor.people.normalise import normalise_phone, parse_birth_date
from igor.people.scoring import MatchRecord, make_record

_SPLIT = re.compile(r"[,;\n()]|\s(?:och|and|samt|med)\s", re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäöé]+(?:gatan|vägen|gränd|torget|backe|plan|stigen|allén|g\.|v\.)?)\s+(\d{1,4}\s?[A-Za-z]?)\b"
)
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{8}|\d{6}[-+]\d{4}|\d{8}-\d{4}|(?:18|19|20)\d{2})\b")
_PHONE = re.compile(r"(?<![\d+-])(?:\+46|0)\s?\d[\d\s-]{5,13}\d(?![\d-])")
_NAME_WORD = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéüA-ZÅÄÖ'-]+$")
_STOP = {
    "Han",
    "Hon",
    "Den",
    "Det",
    "De",
    "Mannen",
    "Kvinnan",
    "Grannen",
    "The",
    "He",
    "She",
    "Hennes",
    "Hans",
    "Deras",
    "Sambo",
    "Man",
    "Kvinna",
    "Mamma",
    "Pappa",
    "Barnen",
    "Jag",
}
_STREET_WORD = re.compile(r"(gatan|vägen|gränd|torget|backe|plan|stigen|allén)$", re.IGNORECASE)
_MAX_RECORDS = 5


def _address(text: str) -> str:
    found = _ADDRESS.search(text)
    return f"{found.group(1)} {found.group(2)}" if found else ""


def _phone(text: str) -> str:
    """The first valid phone number in the text ("070-174 06 05", "+46 70 174 06 05")."""
    for found in _PHONE.finditer(text):
        if normalise_phone(found.group(0)):
            return found.group(0)
    return ""


def _names(part: str) -> list[str]:
    words = [w for w in re.split(r"\s+", part.strip()) if w]
    names: list[str] = []
    current: list[str] = []
    for word in words:
        clean = word.strip(".:!?\"'")
        if _NAME_WORD.match(clean) and clean not in _STOP and not _STREET_WORD.search(clean):
            current.append(clean)
            continue
        if current:
            names.append(" ".join(current))
            current = []
    if current:
        names.append(" ".join(current))
    return names


def records_from_text(people: str, place: str = "") -> list[MatchRecord]:
    """Match records for the persons a text names, at most a handful, each with the address,
    birth date and phone found in the text (or in `place`)."""
    text = people or ""
    phone = _phone(text)
    text_without_phone = text.replace(phone, " ") if phone else text
    address = _address(text_without_phone) or _address(place or "")
    date = _DATE.search(text_without_phone)
    birth = date.group(1) if date and parse_birth_date(date.group(1)) else ""
    identity = date.group(1) if date and len(re.sub(r"\D", "", date.group(1))) >= 10 else ""
    records: list[MatchRecord] = []
    for part in _SPLIT.split(text_without_phone):
        part_address = _address(part)
        for name in _names(part_address and part.replace(part_address, " ") or part):
            record = make_record(
                full_name=name, street=address, birth=birth, identity=identity, phone=phone
            )
            if not record.name.is_empty and record not in records:
                records.append(record)
    if not records and (address or phone):
        records.append(make_record(street=address, phone=phone))
    return records[:_MAX_RECORDS]
