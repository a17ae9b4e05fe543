"""Match reasons and classes in words, for pages, CSV files and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from igor.people.scoring import MatchResult, Reason

CLASS_LABELS = {
    "certain": gettext_lazy("Certain"),
    "probable": gettext_lazy("Probable"),
    "possible": gettext_lazy("Possible"),
    "unlikely": gettext_lazy("Unlikely"),
}


def _phrase(field: str, level: str) -> str:
    return _phrases(get_language()).get((field, level), f"{field}: {level}")


@lru_cache(maxsize=16)
def _phrases(language: str | None) -> dict[tuple[str, str], str]:
    # Per language: the words of every reason, translated once.
    return {
        ("identity", "same"): _("same identity number"),
        ("identity", "transposed"): _("identity number one or two digits apart"),
        ("identity", "different"): _("different identity number"),
        ("surname", "same"): _("same surname"),
        ("surname", "shared"): _("surname sounds alike"),
        ("surname", "close"): _("surname close"),
        ("surname", "similar"): _("surname similar"),
        ("surname", "different"): _("different surname"),
        ("given", "same"): _("same first name"),
        ("given", "shared"): _("first name sounds alike or is a short form"),
        ("given", "close"): _("first name close"),
        ("given", "similar"): _("first name similar"),
        ("given", "different"): _("different first name"),
        ("birth", "same"): _("same birth date"),
        ("birth", "swapped"): _("birth date with day and month swapped"),
        ("birth", "partial"): _("birth date agrees as far as known"),
        ("birth", "near"): _("birth year one apart"),
        ("birth", "year"): _("same birth year"),
        ("birth", "different"): _("different birth date"),
        ("address", "same"): _("same street and number"),
        ("address", "street"): _("same street"),
        ("address", "postcode"): _("same postcode"),
        ("address", "different"): _("different address"),
        ("phone", "same"): _("same phone number"),
        ("phone", "different"): _("different phone number"),
        ("household", "ceiling"): _(
            "a different first name beside the same surname: perhaps another person of the"
            " household, so not more than Possible"
        ),
    }


def describe(reason: Reason | Mapping[str, object]) -> str:
    """ "name 0.93", "same birth date": one reason in words."""
    if isinstance(reason, Reason):
        field, level, similarity = reason.field, reason.level, reason.similarity
    else:
        field, level = str(reason["field"]), str(reason["level"])
        raw = reason.get("similarity")
        similarity = float(raw) if isinstance(raw, int | float) else None
    text = _phrase(field, level)
    if similarity is not None and level not in ("same",):
        text = f"{text} {similarity:.2f}"
    return text


def describe_all(reasons: Iterable[Reason | Mapping[str, object]]) -> list[str]:
    return [describe(reason) for reason in reasons]


def summary(result: MatchResult) -> str:
    return ", ".join(describe_all(result.reasons))
