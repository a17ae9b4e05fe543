"""Pseudonyms and k-anonymity of research extracts (requirement 40), without a database."""

from __future__ import annotations

import random

from igor.stats import anonymity
from igor.stats.anonymity import SUPPRESSED, anonymise, group_sizes, smallest_group

LADDERS = {
    "unit": anonymity.keep_then_suppress(3),
    "opened_month": anonymity.month_ladder,
    "victim_gender": anonymity.keep_then_suppress(2),
    "victim_age_band": anonymity.band_ladder,
}


def test_pseudonyms_are_stable_within_a_study_and_differ_between_studies() -> None:
    one = anonymity.pseudonym("key-of-study-1", "person", "n190001011234")
    assert one == anonymity.pseudonym("key-of-study-1", "person", "n190001011234")
    assert one != anonymity.pseudonym("key-of-study-2", "person", "n190001011234")
    assert one != anonymity.pseudonym("key-of-study-1", "person", "n190001021234")
    assert "1900" not in one


def test_ladders() -> None:
    assert [anonymity.month_ladder("2025-05", n) for n in range(4)] == [
        "2025-05",
        "2025-Q2",
        "2025",
        SUPPRESSED,
    ]
    assert [anonymity.band_ladder("30–39", n) for n in range(3)] == ["30–39", "20–39", SUPPRESSED]
    assert anonymity.age_band(37) == "30–39"
    assert anonymity.age_band(None) == ""


def _rows(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [
        {
            "case": f"C-{i}",
            "unit": rng.choice(["Södermalm", "Norrmalm", "Kista"]),
            "opened_month": f"2025-{rng.randint(1, 12):02d}",
            "victim_gender": rng.choice(["woman", "woman", "woman", "man"]),
            "victim_age_band": rng.choice(["10–19", "20–29", "30–39", "40–49", "60–69", "80–89"]),
            "incidents": str(rng.randint(1, 9)),
        }
        for i in range(n)
    ]


def test_requirement_40_reidentification_by_joining_on_quasi_identifiers_finds_no_small_group() -> (
    None
):
    """An attacker who knows a victim's unit, month, gender and age band joins on them: every
    combination in the extract matches at least k rows, so none points at one person."""
    for seed in range(20):
        for n in (3, 40, 400):
            rows = _rows(n, seed)
            result = anonymise(rows, LADDERS, 5)
            quasi = sorted(LADDERS)
            if result.rows:
                assert smallest_group(result.rows, quasi) >= 5
            for known in rows:
                matches = [
                    row
                    for row in result.rows
                    if all(
                        row[q] in (known[q], SUPPRESSED) or _generalises(row[q], known[q])
                        for q in quasi
                    )
                ]
                assert len(matches) == 0 or len(matches) >= 5
            assert len(result.rows) + result.dropped_rows == len(rows)


def _generalises(shown: str, exact: str) -> bool:
    return (
        exact.startswith(shown)
        or (shown[:4] == exact[:4] and "Q" in shown)
        or (
            "–" in shown
            and "–" in exact
            and int(shown.split("–")[0]) <= int(exact.split("–")[0]) <= int(shown.split("–")[1])
        )
    )


def test_values_that_are_not_quasi_identifiers_pass_unchanged() -> None:
    rows = _rows(200, 1)
    result = anonymise(rows, LADDERS, 5)
    assert sorted(r["incidents"] for r in result.rows) == sorted(
        r["incidents"] for r in rows if r["case"] in {x["case"] for x in result.rows}
    )


def test_too_few_rows_are_dropped_rather_than_shown() -> None:
    result = anonymise(_rows(3, 7), LADDERS, 5)
    assert result.rows == [] and result.dropped_rows == 3


def test_a_large_uniform_extract_needs_no_generalisation() -> None:
    rows = [
        {
            "case": str(i),
            "unit": "A",
            "opened_month": "2025-01",
            "victim_gender": "woman",
            "victim_age_band": "30–39",
        }
        for i in range(10)
    ]
    result = anonymise(rows, LADDERS, 5)
    assert result.level == 0 and result.suppressed_rows == 0
    assert group_sizes(result.rows, sorted(LADDERS)).most_common(1)[0][1] == 10
