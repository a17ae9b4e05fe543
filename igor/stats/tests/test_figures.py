"""Every available figure on a small hand-made data set whose answers are known (requirement 39:
tips, cases, victims and perpetrators, prosecutor, re-reports within 12 months, per unit and
period). The data set and its expected numbers are described in world.py."""

from __future__ import annotations

import pytest

from igor.stats.figures import BY_KEY, FIGURES
from igor.stats.formulas import Breakdown, Count, Durations, Share
from igor.stats.tests.world import COMPARISON, MAIN, TODAY, Figures, build
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas) -> Figures:
    return build(personas)


def values(key: str, period=MAIN):
    compute = BY_KEY[key].compute
    assert compute is not None
    return compute(period, TODAY)


# key → (unit A in 2025, unit B in 2025, unit A in 2024)
EXPECTED = {
    "cases_opened": (Count(6), Count(1), Count(3)),
    "cases_closed": (Count(3), None, None),
    "cases_without_police_report": (Share(5, 6), Share(1, 1), Share(2, 3)),
    "victims_new": (Count(2), None, Count(2)),
    "perpetrators_new": (Count(2), None, Count(2)),
    "incidents": (Count(3), Count(1), Count(2)),
    "incidents_reported": (Share(1, 3), Share(0, 1), Share(1, 2)),
    "incidents_with_children": (Share(2, 3), Share(0, 1), Share(0, 2)),
    "consents_recorded": (Count(2), None, Count(1)),
    "consents_withdrawn": (Count(1), None, None),
    "child_concern_reports": (Count(1), None, None),
    "statutory_disclosures": (Count(1), None, None),
    # C1, C2 followed 12 months: C1 (P1 against V1 again, 2025-05-01) and C2 (P2 against V3,
    # 2026-01-15). C3 closed 2025-12-20 is still inside its 12-month follow-up on 2026-11-27.
    "reoffending_12": (Share(2, 2), None, None),
    "reoffending_12_same": (Share(1, 2), None, None),
    "reoffending_12_new": (Share(1, 2), None, None),
    # 6 months: C1, C2, C3 followed; only C1's new incident falls within 6 months. P3s's incident
    # in S1 (2026-02-01) is social services': it is not a re-offence after the police's case C3.
    "reoffending_6": (Share(1, 3), None, None),
    "reoffending_6_same": (Share(1, 3), None, None),
    "reoffending_6_new": (Share(0, 3), None, None),
    # --- The unit's work (world_work.py)
    "tips_by_channel": (
        Breakdown((("contact_me", 1), ("tip", 2))),
        Breakdown((("tip", 1),)),
        Breakdown((("help_to_stop", 1), ("tip", 1))),
    ),
    "tips_by_relation": (
        Breakdown((("neighbour", 1), ("not_stated", 1))),
        Breakdown((("friend", 1),)),
        Breakdown((("relative", 1),)),
    ),
    # T3 half a day, T1 one day, T2 three days; T0 one day; T4 and T5 not triaged.
    "tip_to_triage_days": (Durations((0.5, 1.0, 3.0)), None, Durations((1.0,))),
    # T3 (07-01 08:00) and T2 (06-10 12:00) to V5's contact in S1 on 07-03 08:00; S2 had none.
    "tip_to_contact_days": (Durations((2.0, 22.8)), None, None),
    # S2 was opened after T0 came in; C1 and C4 have police reports; the rest were found by the
    # unit's own work.
    "cases_by_origin": (
        Breakdown((("own_work", 5), ("police_report", 1))),
        Breakdown((("own_work", 1),)),
        Breakdown((("own_work", 1), ("police_report", 1), ("tip", 1))),
    ),
    "victims_contacted": (Count(2), None, None),
    "victims_offered_support": (Count(2), None, None),
    "victims_accepting_support": (Share(1, 2), None, None),
    "perpetrators_contacted": (Count(2), None, Count(1)),
    "perpetrators_offered_treatment": (Count(2), None, Count(1)),
    "perpetrators_accepting_treatment": (Share(1, 2), None, Share(1, 1)),
    # P1 accepted and started; P3 started without an outreach yes, so only the completion counts.
    "perpetrators_starting_treatment": (Share(1, 1), None, Share(1, 1)),
    "perpetrators_completing_treatment": (Share(1, 2), None, Share(1, 1)),
    "offers_before_acceptance": (Durations((2.0,)), None, Durations((1.0,))),
    # C3, C4, C6 have a legal process; only C4's victim interview has taken place.
    "victims_in_investigation": (Share(1, 3), None, Share(1, 1)),
    "cases_to_prosecutor": (Count(1), None, Count(1)),
    "convictions": (Count(1), None, None),
    "sheltered_housing_placements": (Count(1), None, Count(1)),
    "transports": (Count(2), None, Count(1)),
    # granted measures; each shelter placement (2024-08-01, 2025-03-15) is a sheltered-housing one
    "protective_measures": (Count(3), None, Count(2)),
}


def test_every_available_figure_has_a_known_answer() -> None:
    assert {f.key for f in FIGURES if f.available} == set(EXPECTED)


def test_every_figure_on_the_hand_made_data(world: Figures) -> None:
    """Requirement 39: the evaluation figures per unit and per period. One world for all figures
    (it takes seconds to build); every wrong figure is named in the failure."""
    unit_a, unit_b = world.p.unit_a.pk, world.p.unit_b.pk
    wrong = {}
    for key, want in sorted(EXPECTED.items()):
        main, comparison = values(key, MAIN), values(key, COMPARISON)
        got = (main.get(unit_a), main.get(unit_b), comparison.get(unit_a))
        if got != want:
            wrong[key] = {"got": got, "want": want}
    assert not wrong, wrong


def test_re_offending_never_links_the_police_and_social_services_records(world: Figures) -> None:
    """P3 (the police's record) and P3s (social services') share an identity number. P3s's new
    incident in S1 falls within 6 months of the police's case C3 closing, but the wall keeps the
    two organisations' records apart: C3 counts as followed without a new incident."""
    s1 = world.cases["S1"]
    assert s1.organisation_id != world.cases["C3"].organisation_id
    assert s1.incidents.filter(occurred_at__year=2026).exists()
    for key in ("reoffending_6", "reoffending_6_new"):
        share = values(key)[world.p.unit_a.pk]
        assert isinstance(share, Share) and share.denominator == 3
        assert share.numerator == (1 if key == "reoffending_6" else 0)


def test_every_figure_of_the_issue_is_defined_and_available() -> None:
    """Name, plain-language description, formula and data source for each, all computed."""
    for figure in FIGURES:
        assert str(figure.name) and str(figure.description) and str(figure.formula)
        assert figure.source
        assert figure.available, f"{figure.key} has no data source"
    assert len({str(figure.name) for figure in FIGURES}) == len(FIGURES)


def test_a_remembered_result_is_never_older_than_the_data(world: Figures) -> None:
    """Results are kept under the audit chain's head; every action moves it (results.py)."""
    from igor.stats import results
    from igor.stats.tests.world import _case

    figure = BY_KEY["cases_opened"]
    before = results.compute(figure, MAIN, TODAY, results.data_version())
    assert before[world.p.unit_a.pk] == Count(6)
    _case(world.p.police_a, "C11", "2025-11-11")
    after = results.compute(figure, MAIN, TODAY, results.data_version())
    assert after[world.p.unit_a.pk] == Count(7)
