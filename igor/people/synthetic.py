"""A synthetic Swedish person register with controlled errors and the true links kept.

Names and streets come from Faker's Swedish lists, weighted so that common surnames are common.
Identity numbers are formally valid but have birth years 1830–1899, so none can belong to a
living person; phone numbers are from the series PTS reserves for fiction. Copies of persons
carry the errors registers really have: typos, nicknames, swapped given name and surname,
missing fields, a move, a new surname, day and month swapped, two digits of the number swapped.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from faker import Faker

from igor.people.normalise import NICKNAMES

SHORT_FORMS = {full: short for short, full in NICKNAMES.items() if short != full}
COLUMNS = ("id", "given", "surname", "identity", "birth", "street", "postcode", "phone")


@dataclass(frozen=True)
class Synthetic:
    id: str
    given: str
    surname: str
    identity: str
    birth: str
    street: str
    postcode: str
    phone: str
    truth: str = ""  # id of the person this record is a copy of ("" for an original)


def _check_digit(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


class Generator:
    def __init__(self, seed: int = 1) -> None:
        self.random = random.Random(seed)
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        self.given = sorted({fake.first_name() for _ in range(3000)})
        self.surnames = sorted({fake.last_name() for _ in range(3000)})
        self.streets = sorted({fake.street_name() for _ in range(2000)})
        # Zipf-like weights: a few names are very common, most are rare.
        self.surname_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.surnames))]
        self.given_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.given))]
        self.serials: set[str] = set()

    def person(self, number: int) -> Synthetic:
        rng = self.random
        born = datetime.date(1830, 1, 1) + datetime.timedelta(days=rng.randrange(70 * 365))
        given = rng.choices(self.given, self.given_weights)[0]
        if rng.random() < 0.15:  # double first names: "Anna Karin", "Per-Olof"
            given += rng.choice((" ", "-")) + rng.choices(self.given, self.given_weights)[0]
        surname = rng.choices(self.surnames, self.surname_weights)[0]
        if rng.random() < 0.05:
            surname += "-" + rng.choices(self.surnames, self.surname_weights)[0]
        return Synthetic(
            id=f"P{number}",
            given=given,
            surname=surname,
            identity=self._identity(born),
            birth=born.isoformat(),
            street=f"{rng.choice(self.streets)} {rng.randrange(1, 120)}"
            + (f" lgh {rng.randrange(1001, 1999)}" if rng.random() < 0.4 else ""),
            postcode=f"{rng.randrange(100, 990)} {rng.randrange(10, 99)}",
            phone=f"070-174 06 {rng.randrange(5, 100):02d}" if rng.random() < 0.6 else "",
        )

    def _identity(self, born: datetime.date) -> str:
        while True:
            date = born.strftime("%Y%m%d")
            serial = f"{self.random.randrange(1000):03d}"
            number = date + serial + _check_digit(date[2:] + serial)
            if number not in self.serials:
                self.serials.add(number)
                return number

    def persons(self, count: int) -> Iterator[Synthetic]:
        for number in range(1, count + 1):
            yield self.person(number)

    # --- errors ---------------------------------------------------------------------------------

    def _typo(self, text: str) -> str:
        if len(text) < 3:
            return text
        rng = self.random
        at = rng.randrange(1, len(text) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            return text[:at] + text[at + 1 :]
        if kind == 1:
            return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
        if kind == 2:
            return text[:at] + rng.choice("aeiouyåäölnrst") + text[at + 1 :]
        return text[:at] + text[at] + text[at:]

    def noisy_copy(self, original: Synthetic, number: int, error_rate: float = 0.3) -> Synthetic:
        """A record of the same person as another register or a tip would hold it."""
        rng = self.random
        copy = replace(original, id=f"C{number}", truth=original.id)

        def chance(rate: float) -> bool:
            return rng.random() < rate * error_rate / 0.3

        if chance(0.25):
            copy = replace(copy, surname=self._typo(copy.surname))
        if chance(0.2):
            copy = replace(copy, given=self._typo(copy.given))
        if chance(0.05) and copy.given.split()[0].lower() in SHORT_FORMS:
            copy = replace(copy, given=SHORT_FORMS[copy.given.split()[0].lower()].title())
        if chance(0.05):
            copy = replace(copy, given=copy.surname, surname=copy.given)
        if chance(0.08):
            copy = replace(copy, surname=rng.choices(self.surnames, self.surname_weights)[0])
        if chance(0.1):
            copy = replace(copy, street=self.person(0).street, postcode=self.person(0).postcode)
        if chance(0.05):
            year, month, day = copy.birth.split("-")
            if int(day) <= 12:
                copy = replace(copy, birth=f"{year}-{day}-{month}")
        if chance(0.05):
            digits = list(copy.identity)
            at = rng.randrange(8, 11)
            digits[at], digits[at + 1] = digits[at + 1], digits[at]
            copy = replace(copy, identity="".join(digits))
        for name in ("identity", "birth", "street", "phone", "postcode"):
            if chance(0.3 if name == "identity" else 0.15):
                copy = replace(copy, **{name: ""})
        if copy.identity and chance(0.3):
            # Ten digits: "+" for a person a hundred years or older, as Skatteverket writes it.
            copy = replace(copy, identity=f"{copy.identity[2:8]}+{copy.identity[8:]}")
        return copy

    def stranger(self, number: int) -> Synthetic:
        """Someone in no register: a query that should find nobody."""
        return replace(self.person(number), id=f"S{number}")


def write_csv(path: Path, rows: Iterator[Synthetic] | list[Synthetic]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([field.name for field in fields(Synthetic)])
        for row in rows:
            writer.writerow(asdict(row).values())
