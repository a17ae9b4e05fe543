"""Pure rules of the tip line: dates, urgency hints and identifying-detail warnings (no database)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

HOUR = datetime.timedelta(hours=1)
# Free-text limits: generous for a real account, small enough that nobody floods the unit.
MAX_TEXT = 5000
MAX_SHORT = 500
MAX_MESSAGE = 3000


def coarse(moment: datetime.datetime) -> datetime.datetime:
    """A time to the hour: what staff need for the age of a tip, and no more."""
    return moment.replace(minute=0, second=0, microsecond=0)


def dialogue_expiry(received_at: datetime.datetime, days: int) -> datetime.datetime:
    return received_at + datetime.timedelta(days=days)


def retention_due(
    *,
    outcome: str,
    status: str,
    received_at: datetime.datetime,
    closed_at: datetime.datetime | None,
    now: datetime.datetime,
    days: int,
) -> bool:
    """Whether a tip is due for deletion: it led to nothing and `days` have passed.

    "Led to nothing" is a closed tip with the outcome "no action", counted from its closing.
    A tip that is still open is never deleted: somebody has yet to decide about it.
    """
    if status != "closed" or outcome != "no_action":
        return False
    start = closed_at or received_at
    return now >= start + datetime.timedelta(days=days)


def suggested_urgency(*, danger_now: bool, weapons: str, threats: str, children: str) -> str:
    """The queue's first guess; the triage role decides."""
    if danger_now:
        return "acute"
    if weapons == "yes" or threats == "yes" or children == "yes":
        return "within_day"
    return "routine"


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


_FIRST_PERSON_POSITION = re.compile(
    r"\b(jag bor (ovanför|under|bredvid|mittemot)|min lägenhet|genom väggen|i min trappuppgång|"
    r"i live (above|below|next door|opposite)|through the wall|my flat|my apartment|"
    r"jag jobbar med|i work with|min kollega|my colleague|min (syster|bror|mamma|pappa|dotter|son)|"
    r"my (sister|brother|mother|father|daughter|son))\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(\+?\d[\d\s-]{6,}\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_FLAT_NUMBER = re.compile(r"\b(lgh|lägenhet|flat|apartment|apt)\.?\s*\d{2,4}\b", re.IGNORECASE)


def identifying_details(text: str) -> list[str]:
    """Codes of the things in a tipster's text that could point back at the tipster."""
    found = []
    if _FIRST_PERSON_POSITION.search(text):
        found.append("own_position")
    if _PHONE.search(text) or _EMAIL.search(text):
        found.append("contact")
    if _FLAT_NUMBER.search(text):
        found.append("flat_number")
    return found
