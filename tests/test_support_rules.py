"""The pure rules of the support work, without a database."""

from __future__ import annotations

import datetime

from igor.support.rules import (
    Capacity,
    ClosureCheck,
    next_attempt_number,
    next_referral_statuses,
    occupied_on,
    offers_before_acceptance,
    referral_step_problem,
)

DAY = datetime.date(2026, 11, 20)


def _step(current: str, new: str, on: datetime.date = DAY, **kwargs: object) -> object:
    arguments: dict[str, object] = {
        "current": current,
        "new": new,
        "on": on,
        "sent_on": DAY - datetime.timedelta(days=5),
        "started_on": None,
        "today": DAY,
        "reason": "",
    }
    arguments.update(kwargs)
    return referral_step_problem(**arguments)  # type: ignore[arg-type]


def test_a_referral_follows_its_lifecycle() -> None:
    assert next_referral_statuses("sent") == ("accepted", "rejected", "withdrawn")
    assert next_referral_statuses("accepted") == ("started", "dropped_out", "withdrawn")
    assert next_referral_statuses("started") == ("completed", "dropped_out")
    for ended in ("rejected", "completed", "dropped_out", "withdrawn"):
        assert next_referral_statuses(ended) == ()


def test_a_referral_step_is_refused_out_of_order_or_out_of_time() -> None:
    assert _step("sent", "accepted") is None
    assert _step("sent", "completed") == ("status", "not_next")
    assert _step("sent", "accepted", on=DAY + datetime.timedelta(days=1)) == ("on", "future")
    assert _step("sent", "accepted", on=DAY - datetime.timedelta(days=6)) == ("on", "before_sent")
    assert _step("sent", "rejected") == ("reason", "reason_needed")
    assert _step("sent", "rejected", reason="Fullt") is None
    started = DAY - datetime.timedelta(days=1)
    assert _step(
        "started", "completed", on=DAY - datetime.timedelta(days=2), started_on=started
    ) == (
        "on",
        "before_start",
    )


def test_it_counts_the_offers_made_before_the_first_acceptance() -> None:
    assert offers_before_acceptance([]) is None
    assert offers_before_acceptance(["declined", "thinking"]) is None
    assert offers_before_acceptance(["accepted"]) == 0
    assert offers_before_acceptance(["declined"] * 7 + ["accepted", "declined"]) == 7
    assert next_attempt_number(0) == 1
    assert next_attempt_number(2) == 3


def test_it_counts_the_places_taken_on_a_day() -> None:
    stays = [
        (DAY - datetime.timedelta(days=10), None),
        (DAY - datetime.timedelta(days=10), DAY),  # moved out that morning
        (DAY, DAY + datetime.timedelta(days=3)),
        (DAY + datetime.timedelta(days=1), None),
    ]
    assert occupied_on(stays, DAY) == 2
    assert Capacity(2, 2).full and Capacity(2, 2).free == 0
    assert not Capacity(None, 9).full and Capacity(None, 9).free is None
    assert Capacity(5, 2).free == 3


def test_closure_warns_of_open_tasks_and_missing_snapshots_only() -> None:
    assert not ClosureCheck(0, 0, 3, 1).needs_override
    assert ClosureCheck(2, 0, 0, 0).warnings == ["open_tasks"]
    assert ClosureCheck(0, 1, 0, 0).warnings == ["missing_snapshots"]
