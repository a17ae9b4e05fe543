"""Staff login in two steps (password, then TOTP), logout and the acting-role switch."""

from __future__ import annotations

import time
from typing import cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts import actions
from igor.accounts.context import ACTING_ROLE
from igor.accounts.decorators import requires
from igor.accounts.forms import ActingRoleForm, LoginForm, TokenForm
from igor.accounts.middleware import LOGIN_AT, is_verified
from igor.accounts.models import User
from igor.accounts.roles import Cap

NEXT = "igor_next"


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_verified(request.user):
        return redirect("home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            actions.record_failed_login(username=username, stage="password")
            form.add_error(None, _("The username or password is wrong."))
        else:
            login(request, user)
            request.session[LOGIN_AT] = time.time()
            request.session[NEXT] = _safe_next(request)
            return redirect("accounts:verify")
    return TemplateResponse(request, "accounts/login.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@login_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """Second step: a TOTP code, once per 30-second step.

    A key issued by an administrator is confirmed by its first correct code; an account without
    a key is told to ask for one (it cannot enrol a device on the password alone)."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = cast(User, request.user)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=None).first()
    if device is None:
        return TemplateResponse(request, "accounts/no_authenticator.html")
    form = TokenForm(request.POST or None)
    # django-otp keeps a tolerance per device (default: one step either side) and ignores
    # OTP_TOTP_TOLERANCE, so the setting is applied here: a code is valid in its own step only.
    device.tolerance = settings.OTP_TOTP_TOLERANCE
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            # Fully logged in only now: a key seen during the password step must not carry over.
            request.session.cycle_key()
            actions.record_login(
                user=user, session_key=request.session.session_key or "", device=device
            )
            return redirect(request.session.pop(NEXT, "") or "home")
        actions.record_failed_login(username=user.get_username(), stage="code", user=user)
        form.add_error("code", _("The code is wrong or already used. Wait for the next code."))
    context = {"form": form, "enrolling": not device.confirmed}
    return TemplateResponse(request, "accounts/verify.html", context)


def _base32(raw: bytes) -> str:
    import base64

    return base64.b32encode(raw).decode().rstrip("=")


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.end_all_sessions(user=cast(User, request.user), reason="logout")
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_POST
def acting_role_view(request: HttpRequest) -> HttpResponse:
    form = ActingRoleForm(request.POST)
    if form.is_valid():
        request.session[ACTING_ROLE] = form.cleaned_data["acting_role"]
        messages.success(request, _("Your acting role is recorded with each access."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "home")


@require_http_methods(["GET"])
def session_ping(request: HttpRequest) -> HttpResponse:
    """Keeps an active session alive when the user chooses to (idle warning's button)."""
    return HttpResponse(status=204)


@requires(Cap.MANAGE_USERS)
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    """Administrators see the staff accounts (names, roles, units), never case data."""
    users = (
        User.objects.select_related("organisation")
        .prefetch_related("units")
        .order_by("organisation__name", "username")
    )
    return TemplateResponse(request, "accounts/staff_list.html", {"staff_members": users})


@requires(Cap.MANAGE_USERS)
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    target = User.objects.filter(pk=pk, is_active=True).first()
    if target is None or target.pk == request.user.pk:
        raise Http404
    actions.deactivate_user(actor=cast(User, request.user), user=target)
    messages.success(request, _("The account is deactivated and all its sessions have ended."))
    return redirect("accounts:staff")


@requires(Cap.MANAGE_USERS)
@require_POST
def issue_authenticator(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a new key once, to the administrator, to hand over in person."""
    target = User.objects.filter(pk=pk, is_active=True).first()
    if target is None or target.pk == request.user.pk:
        raise Http404
    device = actions.issue_authenticator(actor=cast(User, request.user), user=target)
    context = {
        "member": target,
        "qr_svg": segno.make(device.config_url, micro=False).svg_inline(scale=4),
        "secret": _base32(device.bin_key),
    }
    return TemplateResponse(request, "accounts/authenticator_issued.html", context)


@requires(Cap.MANAGE_USERS)
@require_POST
def end_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    target = User.objects.filter(pk=pk).first()
    if target is None:
        raise Http404
    actions.end_all_sessions(user=target, reason="ended by administrator")
    messages.success(request, _("All sessions of the account have ended."))
    return redirect("accounts:staff")
