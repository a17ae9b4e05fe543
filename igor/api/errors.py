"""Error bodies of the API and the handlers that produce them.

Every error has the shape ninja uses for its own 422: {"detail": "..."} or, for field errors,
{"detail": [{"type": ..., "loc": ["body", "<field>"], "msg": ...}]}, so a client reads a bad
request the same way whether pydantic or one of our actions refused it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldError]


_MESSAGES = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: ValidationErrorOut,
}
# What any operation with a request body can also answer: not JSON, too large, invalid.
BODY_ERRORS = (400, 413, 422)


def responses(status: int, schema: Any, *errors: int) -> dict[int, Any]:
    """The response map of one operation: its success and every error it can answer with.

    401 and 403 apply to every operation (no token; a role without the API), so they are always
    declared; the published schema then describes every body a client can get.
    """
    codes = sorted({401, 403, *errors})
    return {status: schema, **{code: _MESSAGES[code] for code in codes}}


def field_errors(error: ValidationError) -> list[dict[str, Any]]:
    """An action's ValidationError as ninja-style field errors located in the request body."""
    if not hasattr(error, "error_dict"):
        return [{"type": "value_error", "loc": ["body"], "msg": msg} for msg in error.messages]
    found = []
    for name, messages in error.message_dict.items():
        loc: list[str | int] = ["body"] if name == NON_FIELD_ERRORS else ["body", name]
        found += [{"type": "value_error", "loc": loc, "msg": msg} for msg in messages]
    return found


class IgorNinjaAPI(NinjaAPI):
    """NinjaAPI whose body errors are located at the field (["body", "title"]), not at the name
    of the view's parameter (["body", "payload", "title"]), matching the actions' errors."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> NinjaValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        for context, item in zip(_contexts_per_error(error_contexts), error.errors, strict=True):
            single = getattr(context.model, "__read_from_single_attr__", None)
            loc = list(item["loc"])
            if single and loc[:2] == ["body", single]:
                item["loc"] = ["body", *loc[2:]]
        return error


def _contexts_per_error(contexts: list[ValidationErrorContext[Any]]) -> list[Any]:
    return [c for c in contexts for _ in c.pydantic_validation_error.errors(include_url=False)]


def install_handlers(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: object) -> HttpResponse:
        return api.create_response(request, {"detail": "Not Found"}, status=404)

    def forbidden(request: HttpRequest, exc: object) -> HttpResponse:
        return api.create_response(request, {"detail": "Forbidden"}, status=403)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": field_errors(exc)}, status=422)

    def unauthorised(request: HttpRequest, exc: object) -> HttpResponse:
        response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="igor"'
        return response

    def too_large(request: HttpRequest, exc: object) -> HttpResponse:
        return api.create_response(request, {"detail": "Request body too large"}, status=413)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(AuthenticationError, unauthorised)
