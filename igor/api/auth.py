"""Who is calling: personal API tokens (Authorization: Bearer <token>), never the session.

A token stands for its user only while the token is unrevoked and unexpired, the user is active
and the user's role may use the API; a role without the API gets 403, anything else 401.
"""

from __future__ import annotations

from typing import Annotated, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Header
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from igor.accounts.actions import touch_token
from igor.accounts.models import ApiToken, User
from igor.accounts.roles import ActingRole, Cap, default_acting_role

# A secret is "igor_" and 43 characters; anything far longer is not worth hashing.
_LONGEST_TOKEN = 200


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > _LONGEST_TOKEN:
            return None
        found = (
            ApiToken.objects.usable()
            .filter(key_hash=ApiToken.hash(token))
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        if not found.user.can(Cap.USE_API):
            raise AuthorizationError
        touch_token(found)
        return found.user


def caller(request: HttpRequest, cap: Cap) -> User:
    """The token's user, who must hold `cap` (403 otherwise)."""
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    if not user.can(cap):
        raise PermissionDenied
    return user


# Rule A8: the role the caller acts in on joint work, recorded with every access.
ActingRoleHeader = Annotated[
    ActingRole | None,
    Header(
        alias="X-Acting-Role",
        description="The role you act in on joint work (rule A8); defaults from your staff role.",
    ),
]


def acting_role(user: User, stated: ActingRole | str | None) -> str:
    return str(stated) if stated else default_acting_role(user.role)
