"""Small helpers shared by the page views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from igor.accounts.context import acting_role
from igor.accounts.models import User

T = TypeVar("T")
PAGE_SIZE = 25


def staff(request: HttpRequest) -> User:
    """The logged-in staff member (the middleware has made sure there is one)."""
    return cast(User, request.user)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx asked for a fragment (django-htmx sets request.htmx)."""
    return bool(getattr(request, "htmx", False))


def role_of(request: HttpRequest) -> str:
    return acting_role(request)


def page_number(raw: Any) -> int:
    try:
        return max(1, min(int(raw), 10_000))
    except (TypeError, ValueError):
        return 1


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of results without a total count (counting a million rows is the slow part)."""

    items: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(rows: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """`rows` holds at most size+1 items starting at this page: the extra one proves a next page."""
    return Page(items=list(rows[:size]), number=number, has_next=len(rows) > size)


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's field errors beside the matching fields, the rest at the top.

    A form whose fields are named apart from the model's maps them in `action_field_names`.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    aliases: dict[str, str] = getattr(form, "action_field_names", {})
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
