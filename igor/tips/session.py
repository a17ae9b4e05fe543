"""The anonymous visitor's short-lived session on the public pages.

It holds a form token (our CSRF defence, see `check_form_token`), the id of a half-filled draft,
the submission key of the form being filled in, and, after a correct receipt code, which tip's
dialogue is open. Never an address, a user agent or the content of a form: that is in the
encrypted Draft row, which the quick exit deletes.
"""

from __future__ import annotations

import datetime
import hmac
import json
import secrets
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from igor.accounts.models import Unit
from igor.tips import receipts
from igor.tips.models import Draft, ReceiptHandover, Tip, TipLine

FORM_TOKEN = "tips_form_token"  # noqa: S105 - a session key name, not a secret
DRAFT = "tips_draft"
SUBMISSION = "tips_submission"
DIALOGUE = "tips_dialogue"
CODE_TRIES = "tips_code_tries"
SENT_TIP = "tips_sent"


def start(request: HttpRequest) -> None:
    """Make the session cookie end with the browser: no cookie outlives the visit."""
    request.session.set_expiry(0)


def form_token(request: HttpRequest) -> str:
    token = request.session.get(FORM_TOKEN)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[FORM_TOKEN] = token
        start(request)
    return str(token)


def check_form_token(request: HttpRequest) -> bool:
    """The public forms' CSRF defence: a token kept in the server-side session and echoed by the
    form. A cross-site POST carries neither the (SameSite=Lax) session cookie nor the token.

    Django's own check cannot run here: the public pages send no referrer at all, so browsers
    send `Origin: null` with their forms, which Django rightly refuses.
    """
    expected = request.session.get(FORM_TOKEN)
    sent = request.POST.get("form_token", "")
    return bool(expected) and hmac.compare_digest(str(expected), str(sent))


def submission_key(request: HttpRequest) -> str:
    """The one-time key of the form being filled in; a replay of its send finds the first tip."""
    key = request.session.get(SUBMISSION)
    if not key:
        key = secrets.token_urlsafe(32)
        request.session[SUBMISSION] = key
    return str(key)


def new_submission(request: HttpRequest) -> None:
    request.session.pop(SUBMISSION, None)


# --- Drafts ----------------------------------------------------------------------------------


def _max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TIPS_DRAFT_MINUTES)


_PURGE_EVERY_SECONDS = 60
_last_purge = [0.0]


def purge_now_and_then() -> None:
    """Purge at most once a minute per process: a delete on every request would make every
    public page a write (and on SQLite, a wait for the write lock)."""
    now = time.monotonic()
    if now - _last_purge[0] >= _PURGE_EVERY_SECONDS:
        _last_purge[0] = now
        purge_expired()


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Drop drafts and receipt handovers nobody came back to (cheap: one indexed delete each).
    Expired ones are also refused when read, so a late purge never shows an old draft."""
    cutoff = (now or timezone.now()) - _max_age()
    drafts, _kinds = Draft.objects.filter(updated_at__lt=cutoff).delete()
    handovers, _kinds = ReceiptHandover.objects.filter(created_at__lt=cutoff).delete()
    return drafts + handovers


class DraftExpired(Exception):
    """The session named a draft that has expired (or was removed): start again."""


# Where `find_line` leaves the draft it found with the line (or None), for `load_draft`.
_FOUND_DRAFT = "_tips_found_draft"
_NOT_LOOKED_UP = object()


def find_line(request: HttpRequest, slug: str, draft_kind: str | None = None) -> TipLine | None:
    """The tip line at this address, with its unit.

    With `draft_kind` (a form kept in a draft between its steps), the session's draft of that
    kind on this line comes in the same query, and `load_draft` reads nothing more; when the
    session names no draft, or one that is not on this line, the line is read alone."""
    draft_id = request.session.get(DRAFT) if draft_kind else None
    if draft_id is not None:
        draft = (
            Draft.objects.filter(pk=draft_id, kind=draft_kind, unit__tip_line__slug=slug)
            .select_related("unit__tip_line")
            .first()
        )
        setattr(request, _FOUND_DRAFT, draft)
        if draft is not None:
            line: TipLine = draft.unit.tip_line
            return line
    return TipLine.objects.filter(slug=slug).select_related("unit").first()


def load_draft(request: HttpRequest, unit: Unit, kind: str) -> Draft | None:
    draft_id = request.session.get(DRAFT)
    if draft_id is None:
        return None
    found = request.__dict__.pop(_FOUND_DRAFT, _NOT_LOOKED_UP)
    if isinstance(found, Draft) and (found.pk, found.unit_id, found.kind) == (
        draft_id,
        unit.pk,
        kind,
    ):
        draft: Draft | None = found
    elif found is None:
        draft = None  # looked up with the line: not there
    else:
        draft = Draft.objects.filter(pk=draft_id, unit=unit, kind=kind).first()
    if draft is None or draft.updated_at < timezone.now() - _max_age():
        if draft is not None:
            draft.delete()
        request.session.pop(DRAFT, None)
        raise DraftExpired
    return draft


def draft_data(draft: Draft | None) -> dict[str, Any]:
    if draft is None or not draft.data:
        return {}
    loaded: dict[str, Any] = json.loads(draft.data)
    return loaded


def save_draft(
    request: HttpRequest,
    unit: Unit,
    kind: str,
    draft: Draft | None,
    step: int,
    data: dict[str, Any],
) -> Draft:
    draft = draft or Draft(unit=unit, kind=kind)
    draft.step, draft.data, draft.updated_at = step, json.dumps(data), timezone.now()
    draft.save()
    request.session[DRAFT] = draft.pk
    start(request)
    return draft


def save_with_writes(request: HttpRequest) -> None:
    """Inside the caller's transaction: save the session with the writes it belongs to (one
    commit for both; see igor.tips.session_store). Another session engine saves at the end of
    the request as usual."""
    save_now = getattr(request.session, "save_in_transaction", None)
    if save_now is not None:
        save_now()


def discard_draft(request: HttpRequest) -> None:
    draft_id = request.session.pop(DRAFT, None)
    if draft_id is not None:
        Draft.objects.filter(pk=draft_id).delete()


def wipe(request: HttpRequest) -> None:
    """The quick exit: the draft, any receipt handover and the whole session, gone."""
    discard_draft(request)
    key = request.session.get(SUBMISSION)
    if key:
        ReceiptHandover.objects.filter(tip__submission_key=hash_key(key)).delete()
    request.session.flush()


def hash_key(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


# --- The receipt between sending and "I have saved it" -----------------------------------------


def hand_over(tip: Tip, code: str) -> None:
    """Keep the new code, encrypted, until the tipster confirms they saved it (or it expires):
    a double-clicked send must show the same code, and a reload must not lose it."""
    ReceiptHandover.objects.update_or_create(tip=tip, defaults={"code": code})


def pending_code(request: HttpRequest) -> tuple[Tip, str] | None:
    key = request.session.get(SUBMISSION)
    if not key:
        return None
    handover = (
        ReceiptHandover.objects.filter(
            tip__submission_key=hash_key(str(key)),
            created_at__gte=timezone.now() - _max_age(),
        )
        .select_related("tip", "tip__unit")
        .first()
    )
    if handover is None:
        return None
    return handover.tip, handover.code


def confirm_saved(request: HttpRequest, tip: Tip) -> None:
    ReceiptHandover.objects.filter(tip=tip).delete()
    new_submission(request)


# --- The dialogue --------------------------------------------------------------------------


def open_dialogue(request: HttpRequest, tip: Tip, digits: str) -> None:
    """After a correct code: this session may read the tip's dialogue. Only a keyed digest of the
    code is kept (to refuse answers that quote it), never the code."""
    request.session.cycle_key()
    request.session[DIALOGUE] = {"tip": tip.pk, "code": receipts.code_digest(digits)}
    start(request)


def dialogue(request: HttpRequest) -> tuple[int, str] | None:
    """The open tip's id and the keyed digest of its code, or None."""
    held = request.session.get(DIALOGUE)
    if not isinstance(held, dict) or "tip" not in held:
        return None
    return int(held["tip"]), str(held["code"])


def close_dialogue(request: HttpRequest) -> None:
    request.session.flush()
