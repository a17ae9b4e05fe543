"""The one decorator views use to demand a capability (403 when the role lacks it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from igor.accounts.roles import Cap

F = TypeVar("F", bound=Callable[..., Any])


def requires(cap: Cap) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if not user.is_authenticated or not user.can(cap):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_capability = cap  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
