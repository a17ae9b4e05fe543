"""The categories of data a sharing basis can cover: the one list, in one place.

A consent or a statutory basis names the categories it covers; the policy shows the other agency
a row only when an active basis covers the row's category (rule A2). Each entry here becomes a
boolean column `covers_<key>` on SharingBasis (with its label and help text on the consent form
and the printed consent form), so adding a category is one entry below and `igor makemigrations
sharing`; the database constraints that follow from `requires` are generated from this list too.

`requires` names the category a reader needs to make sense of this one: a row of a case-bound
category is shown inside its case, so a basis covering it must cover the case as well, and
contact details belong to a person whose details are covered. The actions and forms refuse a
scope that breaks this, and a check constraint refuses it in the database.

Apps that own the data of a category ask the policy with the key: `policy.sees_case_category`,
`policy.sees_person_category`, `policy.case_rows_visible_to` and `policy.person_rows_visible_to`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    key: str
    label: Promise
    help: Promise
    level: str  # "person": rows about the subject; "case": rows inside a case the subject is in
    requires: str = ""  # the key of the category this one cannot be shared without

    @property
    def field(self) -> str:
        return f"covers_{self.key}"


PERSON = "person"
CASE = "cases"

CATEGORIES: tuple[Category, ...] = (
    Category(
        PERSON,
        _("Personal details"),
        _("Name, identity number and year of birth."),
        level="person",
    ),
    Category(
        "contact",
        _("Contact details"),
        _("Phone, e-mail and address. Never for a person with protected identity."),
        level="person",
        requires=PERSON,
    ),
    Category(
        CASE,
        _("The case"),
        _("That the case exists, its title, status and parties."),
        level="case",
    ),
    Category(
        "incidents",
        _("Incidents"),
        _("What happened, when and where, injuries, whether children were present."),
        level="case",
        requires=CASE,
    ),
    Category(
        "risk_assessment",
        _("Risk assessment"),
        _("Risk assessments with their instrument, factors and overall judgement."),
        level="case",
        requires=CASE,
    ),
    Category(
        "safety_plan",
        _("Safety plan"),
        _("The safety plan and its measures."),
        level="case",
        requires=CASE,
    ),
    Category(
        "support",
        _("Support and treatment status"),
        _("Offers, referrals, treatment and support interventions and their status."),
        level="case",
        requires=CASE,
    ),
    Category(
        "journal",
        _("Journal"),
        _("Journal entries of the case."),
        level="case",
        requires=CASE,
    ),
)

BY_KEY: dict[str, Category] = {category.key: category for category in CATEGORIES}
KEYS: tuple[str, ...] = tuple(BY_KEY)
FIELDS: tuple[str, ...] = tuple(category.field for category in CATEGORIES)


def field_of(key: str) -> str:
    """The SharingBasis column for a category key; KeyError for a key not in the list."""
    return BY_KEY[key].field


def scope_problems(keys: set[str] | frozenset[str]) -> dict[str, str]:
    """What is wrong with a set of category keys, per key ("" key: about the whole set).

    Pure, so forms, actions and the API give the same messages.
    """
    problems: dict[str, str] = {}
    unknown = sorted(keys - set(KEYS))
    for key in unknown:
        problems[key] = str(_("There is no such category."))
    if not keys & set(KEYS):
        problems[""] = str(_("Choose at least one category."))
    for key in sorted(keys & set(KEYS)):
        needed = BY_KEY[key].requires
        if needed and needed not in keys:
            problems[key] = str(
                _("%(category)s can only be shared together with %(required)s.")
                % {"category": BY_KEY[key].label, "required": BY_KEY[needed].label}
            )
    return problems


def keys_from_scope(scope: dict[str, object]) -> set[str]:
    """Category keys from a mapping of `covers_<key>` flags (the older calling form)."""
    return {name.removeprefix("covers_") for name, on in scope.items() if on}
