"""Template filters for match results: the class and the reasons in words."""

from __future__ import annotations

from typing import Any

from django import template

from igor.people.reasons import CLASS_LABELS, describe_all

register = template.Library()


@register.filter
def match_class_label(value: str) -> str:
    return str(CLASS_LABELS.get(value, value))


@register.filter
def match_reasons(value: Any) -> str:
    return ", ".join(describe_all(value or []))
