"""Abuse control on the public pages without keeping anything that identifies a visitor.

An address is used only in memory, and only as HMAC(address, key) where the key is random, lives
in this process alone and is replaced every day; counters are dropped when their window ends.
Nothing here is written to the database, the cache or a log. Per-session counters live in the
anonymous session (a number, nothing else).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

# Headers a proxy or browser may use to say who or what the visitor is. The public views never
# read them; AnonymousRequestMiddleware removes them before any view or logger can.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_REFERER",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_X_DEVICE_ID",
    "HTTP_DNT",
)
PUBLIC_PREFIX = "/t/"


class _DailyKey:
    """A random key per day, in memory only: yesterday's buckets cannot be recomputed."""

    def __init__(self) -> None:
        self._day = -1
        self._key = b""
        self._lock = threading.Lock()

    def current(self, now: float) -> bytes:
        day = int(now // 86400)
        with self._lock:
            if day != self._day:
                self._day, self._key = day, os.urandom(32)
            return self._key


_daily_key = _DailyKey()


def bucket_for(address: str, now: float | None = None) -> str:
    """A short keyed digest of an address: the same visitor today, unlinkable tomorrow."""
    key = _daily_key.current(time.time() if now is None else now)
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:24]


def client_address(request: HttpRequest) -> str:
    """The visitor's address as the server sees it (the first trusted proxy's view)."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


@dataclass(frozen=True)
class Limit:
    name: str
    per_window: int
    window_seconds: int


class MemoryLimiter:
    """Fixed-window counters in memory. Keys are (limit, bucket, window); nothing else."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, limit: Limit, bucket: str, now: float | None = None) -> bool:
        """Count one attempt; False when the limit for this window is already used up."""
        moment = time.time() if now is None else now
        window = int(moment // limit.window_seconds)
        key = (limit.name, bucket, window)
        with self._lock:
            self._forget_old(moment)
            used = self._counts.get(key, 0)
            if used >= limit.per_window:
                return False
            self._counts[key] = used + 1
            return True

    def _forget_old(self, now: float) -> None:
        if len(self._counts) < 1024:
            return
        for key in [k for k in self._counts if k[2] < int(now // 3600) - 24]:
            del self._counts[key]

    def keys(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return list(self._counts)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


limiter = MemoryLimiter()


def limits() -> dict[str, Limit]:
    """The limits, from settings so an installation can tune them (README lists them)."""
    return {
        "send_per_client": Limit("send_per_client", settings.TIPS_SENDS_PER_CLIENT_HOUR, 3600),
        "send_global": Limit("send_global", settings.TIPS_SENDS_GLOBAL_HOUR, 3600),
        "code_per_client": Limit("code_per_client", settings.TIPS_CODE_TRIES_PER_CLIENT_HOUR, 3600),
        "code_global": Limit("code_global", settings.TIPS_CODE_TRIES_GLOBAL_HOUR, 3600),
    }


def allow(request: HttpRequest, action: str) -> bool:
    """One attempt at `action` ("send" or "code"): per visitor bucket and for the whole system."""
    table = limits()
    bucket = getattr(request, "anonymous_bucket", "") or "unknown"
    if not limiter.hit(table[f"{action}_global"], "all"):
        return False
    return limiter.hit(table[f"{action}_per_client"], bucket)


def session_allows(request: HttpRequest, counter: str, most: int, window_seconds: int) -> bool:
    """A per-session limit: a count and a window start in the anonymous session."""
    now = int(time.time())
    started, used = request.session.get(counter, (now, 0))
    if now - started >= window_seconds:
        started, used = now, 0
    if used >= most:
        request.session[counter] = (started, used)
        return False
    request.session[counter] = (started, used + 1)
    return True


class AnonymousRequestMiddleware:
    """On the public pages: derive the in-memory bucket, then remove every identifying header,
    so nothing after this point (views, error reports, loggers) can see or record them."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        if request.path.startswith(PUBLIC_PREFIX):
            request.anonymous_bucket = bucket_for(client_address(request))  # type: ignore[attr-defined]
            for name in IDENTIFYING_META:
                request.META.pop(name, None)
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind
        response = self.get_response(request)
        if request.path.startswith(PUBLIC_PREFIX):
            harden(response)
        return response


def harden(response):  # type: ignore[no-untyped-def]
    """The public pages' headers: nothing cached, no referrer, nothing sensing the device."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = (
        "camera=(), microphone=(), geolocation=(), accelerometer=(), gyroscope=(), "
        "magnetometer=(), payment=(), usb=(), interest-cohort=()"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
