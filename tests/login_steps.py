"""Driving the real two-step login (password, then TOTP) from tests, at a chosen moment."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from igor.accounts.models import User

# A moment 5 seconds into a 30-second TOTP step, so nothing in a test crosses a step by accident.
START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
OTHER_IP = "192.0.2.77"  # TEST-NET-1: never a real client


def english_client(**defaults: Any) -> Client:
    """A client that reads the pages in English, so assertions do not depend on translations."""
    client = Client(**defaults)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def code_at(user: User, moment: float) -> str:
    """The code the user's authenticator app shows at `moment` (Unix time)."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = moment
    return f"{totp.token():0{device.digits}d}"


def password_step(
    client: Client, username: str, password: str, ip: str = "127.0.0.1", next_url: str = ""
) -> Any:
    url = "/konto/logga-in/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def code_step(client: Client, code: str) -> Any:
    return client.post("/konto/verifiera/", {"code": code})
