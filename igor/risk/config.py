"""The configurable parts of the risk rules, read from settings and checked once."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from igor.risk.levels import ORDER
from igor.risk.rules import FLAGS, EscalationConfig


def parse_review_days(spec: str) -> dict[str, int]:
    """ "high:14,medium:30,low:91" → {"high": 14, ...}; every level needs a positive number."""
    days: dict[str, int] = {}
    for part in spec.split(","):
        level, _, number = part.strip().partition(":")
        if level not in ORDER or not number.strip().isdigit() or int(number) < 1:
            raise ImproperlyConfigured(
                f"IGOR_RISK_REVIEW_DAYS: {part.strip()!r} is not level:days (e.g. high:14)."
            )
        days[level] = int(number)
    if set(days) != set(ORDER):
        raise ImproperlyConfigured("IGOR_RISK_REVIEW_DAYS must give days for low, medium and high.")
    return days


@cache
def review_days() -> dict[str, int]:
    return parse_review_days(str(settings.RISK_REVIEW_DAYS))


@cache
def escalation() -> EscalationConfig:
    rules = frozenset(settings.RISK_ESCALATION_RULES)
    unknown = sorted(rules - set(FLAGS))
    if unknown:
        raise ImproperlyConfigured(
            f"IGOR_RISK_ESCALATION_RULES names unknown rules: {', '.join(unknown)}."
        )
    if settings.RISK_ESCALATION_INCIDENTS < 1 or settings.RISK_ESCALATION_WINDOW_DAYS < 1:
        raise ImproperlyConfigured("The escalation incident count and window must be positive.")
    return EscalationConfig(
        enabled=rules,
        incident_count=settings.RISK_ESCALATION_INCIDENTS,
        window_days=settings.RISK_ESCALATION_WINDOW_DAYS,
    )


def measure_alert_days() -> int:
    return max(0, int(settings.RISK_MEASURE_ALERT_DAYS))
