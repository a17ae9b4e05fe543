"""Pure rules of the support work: no database, tested on their own."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from igor.support.models import Answer, ReferralStatus

S = ReferralStatus

# Where a referral may go from each status. Rejected, completed, dropped out and withdrawn end it.
REFERRAL_STEPS: dict[str, tuple[str, ...]] = {
    S.SENT: (S.ACCEPTED, S.REJECTED, S.WITHDRAWN),
    S.ACCEPTED: (S.STARTED, S.DROPPED_OUT, S.WITHDRAWN),
    S.STARTED: (S.COMPLETED, S.DROPPED_OUT),
    S.REJECTED: (),
    S.COMPLETED: (),
    S.DROPPED_OUT: (),
    S.WITHDRAWN: (),
}

FOLLOW_UP_AFTER_REFERRAL = datetime.timedelta(days=14)


def next_referral_statuses(status: str) -> tuple[str, ...]:
    return REFERRAL_STEPS.get(status, ())


def referral_step_problem(
    *,
    current: str,
    new: str,
    on: datetime.date,
    sent_on: datetime.date,
    started_on: datetime.date | None,
    today: datetime.date,
    reason: str,
) -> tuple[str, str] | None:
    """Why this step is not allowed, as (field, message key), or None when it is."""
    if new not in next_referral_statuses(current):
        return ("status", "not_next")
    if on > today:
        return ("on", "future")
    if on < sent_on:
        return ("on", "before_sent")
    if new in (S.COMPLETED, S.DROPPED_OUT) and started_on is not None and on < started_on:
        return ("on", "before_start")
    if new == S.REJECTED and not reason.strip():
        return ("reason", "reason_needed")
    return None


def next_attempt_number(done_attempts: int) -> int:
    """The number of the attempt about to be recorded, after `done_attempts` made ones."""
    return done_attempts + 1


def offers_before_acceptance(answers: Sequence[str]) -> int | None:
    """How many offers were made before the first one accepted, from the answers to the offers
    in the order they were made; None when none was accepted ("we ask six, seven, eight times")."""
    for index, answer in enumerate(answers):
        if answer == Answer.ACCEPTED:
            return index
    return None


@dataclass(frozen=True)
class Capacity:
    places: int | None
    taken: int

    @property
    def free(self) -> int | None:
        return None if self.places is None else max(self.places - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.places is not None and self.taken >= self.places


def occupied_on(
    stays: Iterable[tuple[datetime.date, datetime.date | None]], day: datetime.date
) -> int:
    """How many of the stays (moved in, moved out) are current on `day`."""
    return sum(
        1
        for moved_in, moved_out in stays
        if moved_in <= day and (moved_out is None or moved_out > day)
    )


@dataclass(frozen=True)
class ClosureCheck:
    """What stands in the way of closing a case; each item is a warning the closer may override."""

    open_tasks: int
    missing_snapshots: int
    open_referrals: int
    current_placements: int

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.open_tasks:
            found.append("open_tasks")
        if self.missing_snapshots:
            found.append("missing_snapshots")
        return found

    @property
    def needs_override(self) -> bool:
        return bool(self.warnings)
