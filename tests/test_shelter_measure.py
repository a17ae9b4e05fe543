"""Issue 6: the sheltered-housing measure follows the support app's placement: made or linked
when she moves in, ended when she moves out, tied to the level in force, never its address."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from igor.audit.models import AuditEvent
from igor.risk import actions as risk
from igor.risk.models import ProtectiveMeasure
from igor.support import actions as support
from igor.support.models import ShelterPlacement
from tests.personas import logged_in
from tests.test_support import Dyad, _share_everything, dyad

__all__ = ["dyad"]  # the fixture, used by name

DAY = datetime.timedelta(days=1)
ADDRESS = "Hemliga vägen 7"


def _place(d: Dyad, moved_in: datetime.date | None = None) -> ShelterPlacement:
    return support.place_in_shelter(
        actor=d.p.social_a,
        case=d.social_case,
        person=d.woman,
        provider=d.shelter,
        moved_in_on=moved_in or timezone.localdate() - 3 * DAY,
        address=ADDRESS,
    )


def test_a_placement_makes_the_measure_in_force_from_moving_in(dyad: Dyad) -> None:
    risk.record_external_result(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        instrument_name="FREDA-farlighetsbedömning",
        assessed_on=timezone.localdate() - 5 * DAY,
        assessor_name="Sara Holm",
        level="high",
        rationale="Hot om att döda.",
    )
    placement = _place(dyad)
    measure = ProtectiveMeasure.objects.get(placement=placement)
    assert (measure.kind, measure.status, measure.level) == ("sheltered_housing", "granted", "high")
    assert measure.starts_on == placement.moved_in_on and measure.expires_on is None
    assert measure.person == dyad.woman and measure.case == dyad.social_case
    assert AuditEvent.objects.filter(
        object_type="protective_measure", object_id=measure.pk, verb="create"
    ).exists()
    client = logged_in(dyad.p.social_a)
    url = reverse("risk:measure", args=[dyad.social_case.pk, measure.pk])
    for page in (url, reverse("risk:case", args=[dyad.social_case.pk])):
        body = client.get(page).content.decode()
        assert "Skyddat boende" in body and ADDRESS not in body


def test_moving_out_ends_the_measure(dyad: Dyad) -> None:
    placement = _place(dyad)
    support.end_placement(
        actor=dyad.p.social_a, placement=placement, moved_out_on=timezone.localdate()
    )
    measure = ProtectiveMeasure.objects.get(placement=placement)
    assert measure.status == "ended" and measure.expires_on == timezone.localdate()
    assert measure.level == ""  # placed before any assessment: shown as not assessed


def test_an_earlier_sheltered_housing_measure_is_linked_not_repeated(dyad: Dyad) -> None:
    applied = risk.add_measure(
        actor=dyad.p.social_a,
        case=dyad.social_case,
        person=dyad.woman,
        details={
            "kind": "sheltered_housing",
            "applied_on": timezone.localdate() - 5 * DAY,
            "level": "medium",
        },
    )
    placement = _place(dyad)
    applied.refresh_from_db()
    assert ProtectiveMeasure.objects.count() == 1
    assert applied.placement == placement and applied.status == "granted"
    assert applied.level == "medium"  # the level that called for it stays


def test_the_linked_measure_is_changed_only_through_the_placement(dyad: Dyad) -> None:
    measure = ProtectiveMeasure.objects.get(placement=_place(dyad))
    with pytest.raises(ValidationError):
        risk.update_measure(actor=dyad.p.social_a, measure=measure, details={"status": "ended"})
    client = logged_in(dyad.p.social_a)
    url = reverse("risk:measure", args=[dyad.social_case.pk, measure.pk])
    response = client.post(url, {"status": "ended", "decided_on": timezone.localdate()})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == "granted"


def test_across_the_wall_the_measure_shows_without_the_address(dyad: Dyad) -> None:
    _place(dyad)
    _share_everything(dyad)
    client = logged_in(dyad.p.police_a)
    body = client.get(reverse("risk:case", args=[dyad.social_case.pk])).content.decode()
    assert "Skyddat boende" in body and ADDRESS not in body
