"""Scoring a pair of person records: Fellegi–Sunter weights over graded comparisons.

Pure functions, no database. Each field is compared into a level (exact, close, …, different) or
left out when either side lacks it. A level's weight is log2(m/u): m is how often true matches
show that level, u how often non-matches do. The sum of the weights is the match weight; its
thresholds give the class, and each compared field gives a reason.

m and u come from the data (`estimate_u` from random pairs, `estimate_m` by
expectation–maximisation over candidate pairs); until a model is estimated, `DEFAULT_MODEL`
holds values set from Swedish register figures.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from igor.people.normalise import (
    Address,
    IdentityNumber,
    Name,
    PartialDate,
    address_agreement,
    birth_agreement,
    canonical_given,
    identity_agreement,
    normalise_identity,
    normalise_phone,
    parse_address,
    parse_birth_date,
    parse_name,
    skeleton,
)


@dataclass(frozen=True)
class MatchRecord:
    """One person as the matcher sees it: normalised, every part optional."""

    name: Name
    identity: str | None = None  # 12 digits
    birth: PartialDate | None = None
    address: Address | None = None
    phone: str | None = None  # E.164

    @property
    def has_content(self) -> bool:
        return bool(
            not self.name.is_empty or self.identity or self.birth or self.address or self.phone
        )


def make_record(
    *,
    given: str = "",
    surname: str = "",
    full_name: str = "",
    identity: str = "",
    birth: str = "",
    street: str = "",
    postcode: str = "",
    phone: str = "",
) -> MatchRecord:
    """A record from raw text as typed or exported. Unreadable parts are left out, never guessed;
    a birth date is taken from the identity number when none is given."""
    number: IdentityNumber | None = normalise_identity(identity)
    birth_date = parse_birth_date(birth)
    if birth_date is None and number is not None and number.birth_date is not None:
        birth_date = PartialDate.of(number.birth_date)
    return MatchRecord(
        name=parse_name(given, surname, full=full_name),
        identity=number.digits if number else None,
        birth=birth_date,
        address=parse_address(street, postcode),
        phone=normalise_phone(phone),
    )


# --- Comparisons -----------------------------------------------------------------------------------

FIELDS = ("identity", "surname", "given", "birth", "address", "phone")
LEVELS: dict[str, tuple[str, ...]] = {
    "identity": ("same", "transposed", "different"),
    "surname": ("same", "shared", "close", "similar", "different"),
    "given": ("same", "shared", "close", "similar", "different"),
    "birth": ("same", "swapped", "partial", "near", "year", "different"),
    "address": ("same", "street", "postcode", "different"),
    "phone": ("same", "different"),
}
CLOSE, SIMILAR = 0.92, 0.80


def _similarity(first: Sequence[str], second: Sequence[str]) -> float:
    joined = JaroWinkler.similarity(" ".join(first), " ".join(second))
    best = max(JaroWinkler.similarity(a, b) for a in first for b in second)
    return max(joined, best)


def name_forms(parts: Sequence[str], canonical: bool) -> frozenset[str]:
    """The forms a name part is known by: itself (its full form for a given name's short form)
    and its sound skeleton. Two names sharing a form share a part."""
    names = {canonical_given(part) if canonical else part for part in parts}
    return frozenset(names | {skeleton(name) for name in names})


def name_level(
    first: Sequence[str],
    second: Sequence[str],
    canonical: bool,
    first_forms: frozenset[str] | None = None,
    second_forms: frozenset[str] | None = None,
) -> tuple[int, float] | None:
    """The level of two names and their similarity; their `name_forms`, when known, are given
    so that they need not be worked out again."""
    if not first or not second:
        return None
    return _name_level(tuple(first), tuple(second), canonical, first_forms, second_forms)


def level_of_names(
    first: tuple[str, ...],
    second: tuple[str, ...],
    canonical: bool,
    first_forms: frozenset[str] | None,
    second_forms: frozenset[str] | None,
) -> tuple[int, float]:
    """`name_level` of two names that both have parts, worked out afresh."""
    if first == second:
        return 0, 1.0
    similarity = round(_similarity(first, second), 2)
    if set(first) & set(second):
        return 1, similarity
    if first_forms is None:
        first_forms = name_forms(first, canonical)
    if second_forms is None:
        second_forms = name_forms(second, canonical)
    if first_forms & second_forms:
        return 1, similarity
    if similarity >= CLOSE:
        return 2, similarity
    if similarity >= SIMILAR:
        return 3, similarity
    return 4, similarity


# The same few thousand names meet again and again (a common name is compared with every
# candidate that shares a key with it), and the string similarities are most of a comparison.
_name_level = functools.lru_cache(maxsize=32768)(level_of_names)


@dataclass(frozen=True)
class Comparison:
    """The level of each field (None when either side lacks it) and name similarities."""

    levels: tuple[int | None, ...]
    similarity: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


def compare(first: MatchRecord, second: MatchRecord) -> Comparison:
    """Compare two records field by field. Symmetric: compare(a, b) == compare(b, a)."""
    levels: list[int | None] = []
    similarity: dict[str, float] = {}
    if first.identity and second.identity:
        agreement = identity_agreement(first.identity, second.identity)
        levels.append({"same": 0, "transposed": 1, "near": 1}.get(agreement, 2))
    else:
        levels.append(None)
    for name, first_parts, second_parts, canonical in (
        ("surname", first.name.surnames, second.name.surnames, False),
        ("given", first.name.given, second.name.given, True),
    ):
        found = name_level(first_parts, second_parts, canonical)
        if found is None:
            levels.append(None)
        else:
            levels.append(found[0])
            similarity[name] = found[1]
    if first.birth and second.birth:
        levels.append(LEVELS["birth"].index(birth_agreement(first.birth, second.birth)))
    else:
        levels.append(None)
    if first.address and second.address:
        levels.append(LEVELS["address"].index(address_agreement(first.address, second.address)))
    else:
        levels.append(None)
    if first.phone and second.phone:
        levels.append(0 if first.phone == second.phone else 1)
    else:
        levels.append(None)
    return Comparison(tuple(levels), similarity)


# --- The model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """m and u per field and level, and the share of candidate pairs that are matches."""

    m: dict[str, tuple[float, ...]]
    u: dict[str, tuple[float, ...]]
    prior: float = 1e-4

    _weights: dict[str, tuple[float, ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    _best: dict[str, float] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for name in self.m:
            self._weights[name] = tuple(
                math.log2(m / u) for m, u in zip(self.m[name], self.u[name], strict=True)
            )
            self._best[name] = max(self._weights[name])

    def weight(self, field_name: str, level: int) -> float:
        return self._weights[field_name][level]

    def best(self, field_name: str) -> float:
        """The highest weight a field can add."""
        return self._best[field_name]

    def as_json(self) -> dict[str, object]:
        return {"m": self.m, "u": self.u, "prior": self.prior}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        m = data["m"]
        u = data["u"]
        assert isinstance(m, dict) and isinstance(u, dict)
        prior = data.get("prior", 1e-4)
        assert isinstance(prior, float | int)
        return cls(
            m={key: tuple(value) for key, value in m.items()},
            u={key: tuple(value) for key, value in u.items()},
            prior=float(prior),
        )


DEFAULT_MODEL = Model(
    m={
        "identity": (0.97, 0.02, 0.01),
        "surname": (0.80, 0.08, 0.05, 0.03, 0.04),
        "given": (0.82, 0.08, 0.04, 0.02, 0.04),
        "birth": (0.90, 0.02, 0.03, 0.01, 0.02, 0.02),
        "address": (0.60, 0.10, 0.10, 0.20),
        "phone": (0.70, 0.30),
    },
    u={
        "identity": (1e-7, 1e-6, 1 - 1.1e-6),
        "surname": (0.005, 0.01, 0.02, 0.05, 0.915),
        "given": (0.01, 0.01, 0.02, 0.06, 0.90),
        "birth": (0.00004, 0.00004, 0.001, 0.0001, 0.01, 0.98882),
        "address": (0.0002, 0.002, 0.01, 0.9878),
        "phone": (0.0001, 0.9999),
    },
)

# Classes by match weight (bits). An exact identity number alone is certain; name and birth date
# alike are certain; a given name and the same building are probable.
CERTAIN, PROBABLE, POSSIBLE = 20.0, 12.0, 6.0

# Two persons of one household share a surname and an address, often a phone, and only their
# given names tell them apart. The weights are added as if the fields were independent, so the
# same surname and building outweigh a different given name: a tip about "Anna Ek, Ringvägen
# 12" would be a probable match for Johan Ek, who lives there with her. Unless an identity
# number agrees, such a pair is held just below probable: still shown, never suggested as her.
HOUSEHOLD_CEILING = PROBABLE - 0.01
SURNAME_ALIKE = (LEVELS["surname"].index("same"), LEVELS["surname"].index("shared"))
GIVEN_DIFFERENT = LEVELS["given"].index("different")
IDENTITY_AGREES = (LEVELS["identity"].index("same"), LEVELS["identity"].index("transposed"))
_IDENTITY, _SURNAME, _GIVEN = (FIELDS.index(name) for name in ("identity", "surname", "given"))


def looks_like_household(levels: Sequence[int | None]) -> bool:
    """A different given name beside the same surname, and no identity number that agrees."""
    return (
        levels[_GIVEN] == GIVEN_DIFFERENT
        and levels[_SURNAME] in SURNAME_ALIKE
        and levels[_IDENTITY] not in IDENTITY_AGREES
    )


@dataclass(frozen=True)
class Reason:
    """One field's part in a score: its level, the name similarity if any, and its weight."""

    field: str
    level: str
    weight: float
    similarity: float | None = None


@dataclass(frozen=True)
class MatchResult:
    weight: float
    score: float  # posterior probability of a match, 0–1
    match_class: str  # "certain" | "probable" | "possible" | "unlikely"
    reasons: tuple[Reason, ...]


def classify(weight: float) -> str:
    if weight >= CERTAIN:
        return "certain"
    if weight >= PROBABLE:
        return "probable"
    if weight >= POSSIBLE:
        return "possible"
    return "unlikely"


def summed_weight(levels: Sequence[int | None], model: Model) -> float:
    """The fields' weights added up, before the household ceiling (None levels count nothing)."""
    total = 0.0
    for field_name, level in zip(FIELDS, levels, strict=True):
        if level is not None:
            total += model.weight(field_name, level)
    return total


def _held(summed: float, levels: Sequence[int | None]) -> float:
    """The weight after the household ceiling."""
    if summed > HOUSEHOLD_CEILING and looks_like_household(levels):
        return HOUSEHOLD_CEILING
    return summed


def weight_of(comparison: Comparison, model: Model = DEFAULT_MODEL) -> float:
    """The match weight of `score`, unrounded, without its reasons (for ranking candidates)."""
    return _held(summed_weight(comparison.levels, model), comparison.levels)


def score(comparison: Comparison, model: Model = DEFAULT_MODEL) -> MatchResult:
    summed = summed_weight(comparison.levels, model)
    total = _held(summed, comparison.levels)
    reasons = [
        Reason(
            field_name,
            LEVELS[field_name][level],
            round(model.weight(field_name, level), 1),
            comparison.similarity.get(field_name),
        )
        for field_name, level in zip(FIELDS, comparison.levels, strict=True)
        if level is not None
    ]
    if total < summed:
        reasons.append(Reason("household", "ceiling", round(total - summed, 1)))
    reasons.sort(key=lambda reason: -abs(reason.weight))
    odds = model.prior / (1 - model.prior) * 2.0 ** min(total, 60.0)
    return MatchResult(
        round(total, 2), round(odds / (1 + odds), 4), classify(total), tuple(reasons)
    )


def match(first: MatchRecord, second: MatchRecord, model: Model = DEFAULT_MODEL) -> MatchResult:
    return score(compare(first, second), model)


# --- Estimating m and u from the data ------------------------------------------------------------

Vector = tuple[int | None, ...]
_FLOOR = 1e-7


def _normalised(counts: Sequence[float]) -> tuple[float, ...]:
    total = sum(counts)
    if total <= 0:
        return tuple(1 / len(counts) for _ in counts)
    shares = [max(count / total, _FLOOR) for count in counts]
    scale = sum(shares)
    return tuple(share / scale for share in shares)


def estimate_u(
    random_pairs: Iterable[Vector], base: Model = DEFAULT_MODEL
) -> dict[str, tuple[float, ...]]:
    """u per level from pairs drawn at random, nearly all non-matches (as Splink does). A field
    never compared keeps its prior u."""
    counts = {name: [0.5] * len(LEVELS[name]) for name in FIELDS}  # a half-count against zeros
    seen = dict.fromkeys(FIELDS, 0)
    for vector in random_pairs:
        for name, level in zip(FIELDS, vector, strict=True):
            if level is not None:
                counts[name][level] += 1
                seen[name] += 1
    return {
        name: _normalised(counts[name]) if seen[name] >= 100 else base.u[name] for name in FIELDS
    }


def estimate_m(
    candidate_pairs: Iterable[Vector],
    u: dict[str, tuple[float, ...]],
    start: Model = DEFAULT_MODEL,
    iterations: int = 25,
) -> Model:
    """m and the match share by expectation–maximisation over blocked candidate pairs, u held
    fixed. Identical vectors are counted once with their multiplicity, so the cost grows with the
    number of distinct patterns, not of pairs."""
    patterns = Counter(candidate_pairs)
    if not patterns:
        return Model(start.m, u, start.prior)
    m = dict(start.m)
    share = 0.1
    for _ in range(iterations):
        expected = {name: [0.0] * len(LEVELS[name]) for name in FIELDS}
        matched_total = 0.0
        for vector, count in patterns.items():
            log_match = math.log(share)
            log_other = math.log(1 - share)
            for name, level in zip(FIELDS, vector, strict=True):
                if level is not None:
                    log_match += math.log(m[name][level])
                    log_other += math.log(u[name][level])
            gap = max(min(log_other - log_match, 700.0), -700.0)
            probability = 1.0 / (1.0 + math.exp(gap))
            matched_total += probability * count
            for name, level in zip(FIELDS, vector, strict=True):
                if level is not None:
                    expected[name][level] += probability * count
        total = sum(patterns.values())
        share = min(max(matched_total / total, 1e-6), 1 - 1e-6)
        m = {
            name: _normalised([value + 0.01 for value in expected[name]])
            if sum(expected[name]) > 1
            else start.m[name]
            for name in FIELDS
        }
    return Model(m, u, start.prior)
