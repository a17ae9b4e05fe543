"""Every available figure on a small hand-made data set whose answers are known (requirement 39:
tips, cases, victims and perpetrators, prosecutor, re-reports within 12 months, per unit and
period). The data set and its expected numbers are described in world.py."""

from __future__ import annotations

import pytest

from igor.stats.figures import BY_KEY, FIGURES
from igor.stats.formulas import Count, Share
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
    "cases_opened": (Count(6), Count(1), Count(2)),
    "cases_closed": (Count(3), None, None),
    "cases_without_police_report": (Share(5, 6), Share(1, 1), Share(1, 2)),
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
    # 6 months: C1, C2, C3 followed; only C1's new incident falls within 6 months.
    "reoffending_6": (Share(1, 3), None, None),
}


def test_every_available_figure_has_a_known_answer() -> None:
    assert {f.key for f in FIGURES if f.available} == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_figure_on_the_hand_made_data(world: Figures, key: str) -> None:
    """Requirement 39: the evaluation figures per unit and per period."""
    unit_a, unit_b = world.p.unit_a.pk, world.p.unit_b.pk
    main, comparison = values(key, MAIN), values(key, COMPARISON)
    want_a, want_b, want_a_before = EXPECTED[key]
    assert main.get(unit_a) == want_a
    assert main.get(unit_b) == want_b
    assert comparison.get(unit_a) == want_a_before


def test_not_yet_available_figures_have_definitions_and_no_numbers() -> None:
    missing = [f for f in FIGURES if not f.available]
    assert missing, "some figures wait for data from other parts of the system"
    for figure in missing:
        assert figure.compute is None
        assert str(figure.name) and str(figure.description) and str(figure.formula)
        assert figure.source


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
