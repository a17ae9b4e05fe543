"""Periods of the figures: whole days in Stockholm time, first and last day included.

Pure: no database. A period's bounds as aware datetimes are [start 00:00, day after end 00:00).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class PeriodError(ValueError):
    """A period that cannot be used, with a message a user can act on."""


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts."))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def lower(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=STOCKHOLM)

    def upper(self) -> datetime.datetime:
        """The first moment after the period."""
        after = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(after, datetime.time(), tzinfo=STOCKHOLM)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def year_before(self) -> Period:
        """The same days one year earlier (29 February becomes 28 February)."""
        return Period(_minus_year(self.start), _minus_year(self.end))


def _minus_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def default_periods(today: datetime.date) -> tuple[Period, Period]:
    """This calendar year up to today, beside the same days of the year before."""
    main = Period(today.replace(month=1, day=1), today)
    return main, main.year_before()


def check_comparison(main: Period, comparison: Period) -> None:
    if main.overlaps(comparison):
        raise PeriodError(_("The comparison period overlaps the main period; choose days apart."))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def month_of(moment: datetime.datetime | datetime.date | None) -> str:
    """A date coarsened to its month, "YYYY-MM" (Stockholm time); "" for none."""
    if moment is None:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(STOCKHOLM).date()
    return f"{moment.year:04d}-{moment.month:02d}"


def during(period: Period, field: str) -> Q:
    """The rows whose time `field` falls within the period (local days, Stockholm)."""
    return Q(**{f"{field}__gte": period.lower(), f"{field}__lt": period.upper()})


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(STOCKHOLM).date()
