"""The public pages of a unit's tip line. No login, no JavaScript needed, nothing identifying kept.

The tip form keeps one address through all its steps (the browser history shows one entry), and
its half-filled answers live in an encrypted draft row that the quick exit deletes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from igor.lib.web import add_action_errors
from igor.tips import actions, anonymity, receipts, rules, session
from igor.tips.forms import (
    CONTACT_OF_TIP,
    LAST_STEP,
    STEP_FORMS,
    CodeForm,
    Honeypot,
    ReplyForm,
    SafeContactForm,
    SavedForm,
)
from igor.tips.models import HelpEntry, Kind, Message, TextKey, Tip, TipLine
from igor.tips.public import public_page, render, unit_text

EMERGENCY = [
    {"name": "112", "what": "emergency"},
    {"name": "114 14", "what": "police"},
]


@login_not_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """/t/: the tip lines of this installation, for someone who has the short address only."""
    lines = TipLine.objects.select_related("unit").order_by("unit__name")
    return TemplateResponse(
        request,
        "tips/public/index.html",
        {"lines": lines, "exit_url": "/t/exit/", "lang": settings.LANGUAGE_CODE},
    )


@login_not_required
@require_http_methods(["GET"])  # a plain link: it only ever removes things
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave at once: delete the draft and the session on the server, tell the browser to
    forget our cookies and cache, and go to a neutral site."""
    session.wipe(request)
    response = HttpResponseRedirect(settings.TIPS_QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@public_page(["GET"])
def start(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return render(
        request,
        line,
        lang,
        "tips/public/start.html",
        {"intro": unit_text(line, TextKey.INTRO, lang), "emergency": EMERGENCY},
    )


@public_page(["GET"])
def help_directory(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    entries = HelpEntry.objects.filter(unit=line.unit)
    return render(
        request, line, lang, "tips/public/help.html", {"entries": entries, "emergency": EMERGENCY}
    )


@public_page(["GET"])
def hide_visit(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return render(request, line, lang, "tips/public/hide.html", {})


# --- The tip form ------------------------------------------------------------------------------


def _closed(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return render(
        request, line, lang, "tips/public/closed.html", {"emergency": EMERGENCY}, status=503
    )


@public_page(["GET", "POST"], draft_kind=Kind.TIP)
def tip(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    if not line.open:
        return _closed(request, line, lang)
    try:
        draft = session.load_draft(request, line.unit, Kind.TIP)
    except session.DraftExpired:
        return render(
            request,
            line,
            lang,
            "tips/public/draft_expired.html",
            {},
            status=410 if request.method == "POST" else 200,
        )
    data = session.draft_data(draft)
    step = draft.step if draft else 1
    if request.method == "GET":
        return _show_step(request, line, lang, step, data)
    if Honeypot(request.POST).is_valid() and request.POST.get("website"):
        # A machine filled in the hidden field: answer as if all went well, keep nothing.
        session.discard_draft(request)
        return redirect("tipline:sent", unit=line.slug, lang=lang)
    posted_step = _int(request.POST.get("step"), step)
    if posted_step != step:
        # An old tab or the Back button sent an earlier step: show where the draft really is.
        return _show_step(request, line, lang, step, data)
    go = request.POST.get("go", "next")
    if step == LAST_STEP:
        if go == "back":
            session.save_draft(request, line.unit, Kind.TIP, draft, LAST_STEP - 1, data)
            return _show_step(request, line, lang, LAST_STEP - 1, data)
        return _send(request, line, lang, data)
    form = STEP_FORMS[step](request.POST)
    if go == "back":
        keep = {**data, **(form.cleaned_data if form.is_valid() else {})}
        session.save_draft(request, line.unit, Kind.TIP, draft, max(1, step - 1), keep)
        return _show_step(request, line, lang, max(1, step - 1), keep)
    if not form.is_valid():
        return _show_step(request, line, lang, step, data, form=form)
    data = {**data, **form.cleaned_data}
    if step == 1 and form.cleaned_data["danger_now"] == "yes" and go != "continue":
        session.save_draft(request, line.unit, Kind.TIP, draft, 1, data)
        return render(request, line, lang, "tips/public/danger.html", {"emergency": EMERGENCY})
    session.save_draft(request, line.unit, Kind.TIP, draft, step + 1, data)
    return _show_step(request, line, lang, step + 1, data)


def _int(raw: Any, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default


def _show_step(
    request: HttpRequest,
    line: TipLine,
    lang: str,
    step: int,
    data: dict[str, Any],
    form: Any = None,
) -> HttpResponse:
    session.submission_key(request)
    context: dict[str, Any] = {"step": step, "steps": LAST_STEP, "emergency": EMERGENCY}
    if step < LAST_STEP:
        context["form"] = form or STEP_FORMS[step](initial=data)
    else:
        context["review"] = _review(data)
        context["warnings"] = _warnings(data)
        context["has_contact"] = any(data.get(name) for name in CONTACT_OF_TIP)
    status = 200 if form is None or not form.errors else 422
    return render(request, line, lang, "tips/public/tip.html", context, status=status)


def _review(data: dict[str, Any]) -> list[tuple[str, str]]:
    from igor.tips.forms import WhatStep, WhoStep, YouStep

    rows = []
    for form_class in (WhatStep, WhoStep, YouStep):
        form = form_class()
        for name, field in form.fields.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            choices = dict(getattr(field, "choices", []) or [])
            rows.append((str(field.label), str(choices.get(value, value))))
    return rows


def _warnings(data: dict[str, Any]) -> list[str]:
    text = " ".join(
        str(data.get(name, ""))
        for name in ("what_happened", "people_involved", "place", "when_text")
    )
    return rules.identifying_details(text)


def _send(request: HttpRequest, line: TipLine, lang: str, data: dict[str, Any]) -> HttpResponse:
    if not anonymity.allow(request, "send") or not anonymity.session_allows(
        request, "tips_sends", 5, 3600
    ):
        return render(
            request, line, lang, "tips/public/busy.html", {"emergency": EMERGENCY}, status=429
        )
    details = {name: data[name] for name in actions.TIP_FIELDS if name in data}
    details["danger_now"] = data.get("danger_now") == "yes"
    contact = {name: data.get(name, "") for name in CONTACT_OF_TIP}
    try:
        prepared = actions.prepare_submission(
            unit=line.unit,
            kind=Kind.TIP,
            language=lang,
            details=details,
            contact=contact,
            submission_key=session.submission_key(request),
        )
        # The tip, its audit event, the end of its draft and the session change: one commit.
        actions.store_submission(prepared, with_it=lambda: _end_draft(request))
    except actions.AlreadySent:
        session.discard_draft(request)  # a double click or a replay: the first send stands
    except ValidationError:
        session.save_draft(request, line.unit, Kind.TIP, None, 2, data)
        return _show_step(request, line, lang, 2, data, form=STEP_FORMS[2](data))
    return redirect("tipline:receipt", unit=line.slug, lang=lang)


def _end_draft(request: HttpRequest) -> None:
    session.discard_draft(request)
    session.save_with_writes(request)


@public_page(["GET", "POST"])
def receipt(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    """The code, once, and the "have you saved it?" step."""
    pending = session.pending_code(request)
    if pending is None:
        return redirect("tipline:sent", unit=line.slug, lang=lang)
    tip_row, code = pending
    form = SavedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["last_digits"].strip().translate(receipts.NATIVE_DIGITS)
        if typed == code.replace(" ", "")[-4:]:
            session.confirm_saved(request, tip_row)
            return redirect("tipline:sent", unit=line.slug, lang=lang)
        form.add_error("last_digits", _wrong_digits())
    status = 422 if form.errors else 200
    return render(
        request, line, lang, "tips/public/receipt.html", {"code": code, "form": form}, status=status
    )


def _wrong_digits() -> str:
    from django.utils.translation import gettext

    return gettext("Those are not the last four digits of your code. Look at the code again.")


@public_page(["GET"])
def sent(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return render(request, line, lang, "tips/public/sent.html", {"emergency": EMERGENCY})


# --- Self-referrals ----------------------------------------------------------------------------


def _self_referral(request: HttpRequest, line: TipLine, lang: str, kind: str) -> HttpResponse:
    if not line.open:
        return _closed(request, line, lang)
    form = SafeContactForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("website"):
            return redirect("tipline:thanks", unit=line.slug, lang=lang)
        if form.is_valid():
            if not anonymity.allow(request, "send") or not anonymity.session_allows(
                request, "tips_sends", 5, 3600
            ):
                return render(
                    request,
                    line,
                    lang,
                    "tips/public/busy.html",
                    {"emergency": EMERGENCY},
                    status=429,
                )
            data = form.cleaned_data
            contact = {name: data[name] for name in actions.CONTACT_FIELDS if name in data}
            contact["voicemail_ok"] = data["voicemail_ok"] == "yes"
            contact["sms_ok"] = data["sms_ok"] == "yes"
            try:
                actions.submit(
                    unit=line.unit,
                    kind=kind,
                    language=lang,
                    details={"message": data["message"]},
                    contact=contact,
                    submission_key=session.submission_key(request),
                )
            except actions.AlreadySent:
                pass
            except ValidationError as error:
                add_action_errors(form, error)
            if not form.errors:
                session.new_submission(request)
                return redirect("tipline:thanks", unit=line.slug, lang=lang)
    session.submission_key(request)
    template = (
        "tips/public/contact_me.html"
        if kind == Kind.CONTACT_ME
        else "tips/public/help_to_stop.html"
    )
    status = 422 if form.errors else 200
    return render(
        request, line, lang, template, {"form": form, "emergency": EMERGENCY}, status=status
    )


@public_page(["GET", "POST"])
def contact_me(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return _self_referral(request, line, lang, Kind.CONTACT_ME)


@public_page(["GET", "POST"])
def help_to_stop(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return _self_referral(request, line, lang, Kind.HELP_TO_STOP)


@public_page(["GET"])
def thanks(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    return render(request, line, lang, "tips/public/thanks.html", {"emergency": EMERGENCY})


# --- The dialogue ------------------------------------------------------------------------------


@public_page(["GET", "POST"])
def code_login(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    """Enter the receipt code. A wrong code and an unknown one get the same answer after the
    same work (one Argon2id hash, one indexed lookup); tries are limited per session and per
    (keyed, in-memory) visitor bucket."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not anonymity.session_allows(
            request, session.CODE_TRIES, 5, 3600
        ) or not anonymity.allow(request, "code"):
            return render(
                request, line, lang, "tips/public/busy.html", {"emergency": EMERGENCY}, status=429
            )
        typed = form.cleaned_data["code"]
        digest = receipts.hash_for_lookup(typed)
        found = Tip.objects.filter(
            receipt_hash=digest, unit=line.unit, dialogue_expires_at__gt=timezone.now()
        ).first()
        if found is not None:
            session.open_dialogue(request, found, receipts.normalise(typed) or "")
            return redirect("tipline:dialogue", unit=line.slug, lang=lang)
        form.add_error("code", _no_such_code())
    status = 422 if form.errors else 200
    return render(request, line, lang, "tips/public/code.html", {"form": form}, status=status)


def _no_such_code() -> str:
    from django.utils.translation import gettext

    return gettext(
        "We found no open conversation with that code. Check the digits; a code stops working "
        "when the conversation has ended."
    )


def _dialogue_tip(request: HttpRequest, line: TipLine) -> tuple[Tip, str] | None:
    held = session.dialogue(request)
    if held is None:
        return None
    tip_id, digest = held
    found = Tip.objects.filter(
        pk=tip_id, unit=line.unit, dialogue_expires_at__gt=timezone.now()
    ).first()
    return (found, digest) if found else None


@public_page(["GET", "POST"])
def dialogue(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    held = _dialogue_tip(request, line)
    if held is None:
        return redirect("tipline:code", unit=line.slug, lang=lang)
    found, digest = held
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.tipster_reply(tip=found, body=form.cleaned_data["body"], code_digest=digest)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("tipline:dialogue", unit=line.slug, lang=lang)
    messages = list(Message.objects.filter(tip=found))
    if request.method == "GET":
        actions.mark_read_by_tipster(tip=found)
    status = 422 if form.errors else 200
    return render(
        request,
        line,
        lang,
        "tips/public/dialogue.html",
        {"messages_list": messages, "form": form, "expires": found.dialogue_expires_at},
        status=status,
    )


@public_page(["POST"])
def delete_reply(request: HttpRequest, line: TipLine, lang: str, pk: int) -> HttpResponse:
    held = _dialogue_tip(request, line)
    if held is None:
        return redirect("tipline:code", unit=line.slug, lang=lang)
    try:
        actions.tipster_delete_reply(tip=held[0], message_id=pk)
    except ValidationError:
        pass  # already gone: the conversation shows what is left
    return redirect("tipline:dialogue", unit=line.slug, lang=lang)


@public_page(["POST"])
def end_dialogue(request: HttpRequest, line: TipLine, lang: str) -> HttpResponse:
    session.close_dialogue(request)
    return redirect("tipline:start", unit=line.slug, lang=lang)
