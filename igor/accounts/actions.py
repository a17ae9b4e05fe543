"""Writes about staff: logins, sessions, tokens, deactivation. Audited like every other write."""

from __future__ import annotations

import datetime

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import ApiToken, User, UserSession
from igor.audit.record import record


@transaction.atomic
def record_login(*, user: User, session_key: str, device: TOTPDevice) -> None:
    UserSession.objects.get_or_create(user=user, session_key=session_key)
    record(
        actor=user,
        verb="login",
        object_type="user",
        object_id=user.pk,
        purpose="login",
        data={"device": device.pk},
    )


@transaction.atomic
def record_failed_login(*, username: str, stage: str, user: User | None = None) -> None:
    record(
        actor=user,
        verb="login_failed",
        object_type="user",
        object_id=user.pk if user else None,
        actor_label=username[:150],
        purpose=f"failed {stage}",
    )


@transaction.atomic
def end_all_sessions(*, user: User, reason: str) -> int:
    """Delete every live session of the user (logout, deactivation)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    record(
        actor=user,
        verb="logout",
        object_type="user",
        object_id=user.pk,
        purpose=reason,
        data={"sessions": deleted},
    )
    return deleted


@transaction.atomic
def deactivate_user(*, actor: User, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])  # a save, so that what listens for user changes hears
    end_all_sessions(user=user, reason="deactivated")
    record(
        actor=actor,
        verb="update",
        object_type="user",
        object_id=user.pk,
        purpose="deactivate user",
        data={"fields": ["is_active"]},
    )
    return user


@transaction.atomic
def create_api_token(*, actor: User, user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[5:13],
        key_hash=ApiToken.hash(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    record(
        actor=actor,
        verb="token",
        object_type="api_token",
        object_id=token.pk,
        purpose="create API token",
        data={"user": user.pk, "days": days},
    )
    return token, secret


def touch_token(token: ApiToken) -> None:
    """Remember when a token was last used, at most once a minute (not audited: not a write
    of case data)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def sessions_of(user: User) -> models.QuerySet[UserSession]:
    return UserSession.objects.filter(user=user)


@transaction.atomic
def issue_authenticator(*, actor: User | None, user: User) -> TOTPDevice:
    """A new TOTP key for the user, replacing any old one and ending the user's sessions.

    Only an administrator (or the `igor authenticator issue` command) issues keys and hands them
    over in person: knowing a password is never enough to enrol a device of one's own choosing.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    end_all_sessions(user=user, reason="authenticator reissued")
    record(
        actor=actor,
        actor_label="" if actor else "system",
        verb="update",
        object_type="user",
        object_id=user.pk,
        purpose="issue authenticator",
        data={"device": device.pk},
    )
    return device
