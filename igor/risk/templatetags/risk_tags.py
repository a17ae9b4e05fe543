"""`{% safe_contact_box person %}`: the safe-contact rules, shown before any contact action."""

from __future__ import annotations

from typing import Any

from django import template

from igor.accounts.roles import Cap
from igor.people.models import Person
from igor.risk.access import safe_contact_visible, uses_violence

register = template.Library()


@register.inclusion_tag("risk/includes/safe_contact.html", takes_context=True)
def safe_contact_box(context: dict[str, Any], person: Person) -> dict[str, Any]:
    user = context["request"].user
    contact = safe_contact_visible(user, person)
    may_edit = (
        user.can(Cap.EDIT_CASE_DATA)
        and user.organisation_id == person.organisation_id
        and person.unit_id in user.unit_ids()
        and not uses_violence(person)
    )
    return {"person": person, "safe_contact": contact, "may_edit": may_edit}
