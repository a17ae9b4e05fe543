"""The dashboard, its exports and the data dictionary, as each persona sees them."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from igor.audit.models import AuditEvent
from igor.stats.tests.world import Figures, build
from tests.personas import Personas, logged_in

pytestmark = pytest.mark.django_db

PERIODS = {
    "start": "2025-01-01",
    "end": "2025-12-31",
    "comparison_start": "2024-01-01",
    "comparison_end": "2024-12-31",
}


@pytest.fixture
def world(personas: Personas) -> Figures:
    return build(personas)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def _csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _line(rows: list[list[str]], key: str) -> list[str]:
    return next(row for row in rows if row[1] == key and ":" not in row[0])


def test_the_lead_compares_two_periods_for_the_own_unit(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    response = client.get(reverse("stats:dashboard"), {**PERIODS, "area": world.p.unit_a.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-01-01 – 2025-12-31" in page and "2024-01-01 – 2024-12-31" in page
    assert 'src="data:image/svg+xml;base64,' in page  # charts drawn on the server
    assert "<table" in page and "<figcaption>" in page
    rows = _csv(
        client.get(reverse("stats:export_csv"), {**PERIODS, "area": world.p.unit_a.pk}).content
    )
    assert _line(rows, "cases_opened")[3:] == ["6", "fewer than 5", "not shown (small numbers)"]
    assert _line(rows, "victims_new")[3] == "fewer than 5"
    # 5 of 6 without a police report: the complement (1) is a small cell, so the share is hidden.
    assert _line(rows, "cases_without_police_report")[3] == "not shown (small numbers)"


def test_requirement_40_the_national_figure_cannot_be_reduced_to_another_units_count(
    world: Figures,
) -> None:
    """National 7 cases, own unit 6: showing 7 would give away the other unit's 1."""
    client = english(logged_in(world.p.lead_a))
    rows = _csv(client.get(reverse("stats:export_csv"), {**PERIODS, "area": "national"}).content)
    assert _line(rows, "cases_opened")[3] == "not shown (small numbers)"


def test_requirement_40_suppression_in_every_view_and_export(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    query = {**PERIODS, "area": world.p.unit_a.pk}
    page = client.get(reverse("stats:dashboard"), query).content.decode()
    assert "fewer than 5" in page
    xlsx = client.get(reverse("stats:export_xlsx"), query).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "fewer than 5" in strings
    assert ">2<" not in strings  # the two victims never appear as a number


def test_a_unit_lead_cannot_see_another_units_own_figures(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    response = client.get(reverse("stats:dashboard"), {**PERIODS, "area": world.p.unit_b.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert 'id="group-cases"' not in response.content.decode()


def test_a_researcher_sees_national_aggregates_and_no_person(world: Figures) -> None:
    client = english(logged_in(world.p.researcher))
    response = client.get(reverse("stats:dashboard"), PERIODS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Testärende" not in page and "V1" not in page
    assert reverse("cases:list") not in page


@pytest.mark.parametrize("who", ["police_a", "social_a", "admin"])
def test_other_roles_are_refused(world: Figures, who: str) -> None:
    client = logged_in(getattr(world.p, who))
    assert client.get(reverse("stats:dashboard")).status_code == 403
    assert client.get(reverse("stats:export_csv")).status_code == 403
    assert client.get(reverse("stats:dictionary")).status_code == 403


def test_anonymous_is_sent_to_login(db: None) -> None:
    from django.test import Client

    response = Client().get(reverse("stats:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_wrong_method(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    assert client.post(reverse("stats:dashboard")).status_code == 405
    assert client.post(reverse("stats:export_csv")).status_code == 405


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": "2024-12-31", "start": "2025-01-01"}, "The period ends before it starts."),
        (
            {"comparison_start": "2024-06-01", "comparison_end": "2025-06-30"},
            "overlaps the main period",
        ),
        ({"start": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_periods_get_a_clear_message_beside_the_field(
    world: Figures, change: dict[str, str], message: str
) -> None:
    client = english(logged_in(world.p.lead_a))
    response = client.get(reverse("stats:dashboard"), {**PERIODS, **change})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "error-summary" in page
    assert client.get(reverse("stats:export_csv"), {**PERIODS, **change}).status_code == 400


def test_every_export_is_audited(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    client.get(reverse("stats:export_xlsx"), {**PERIODS, "area": world.p.unit_a.pk})
    event = AuditEvent.objects.filter(actor=world.p.lead_a, verb="export").get()
    assert event.object_type == "figures" and event.data["format"] == "xlsx"


def test_the_data_dictionary_defines_every_figure(world: Figures) -> None:
    from igor.stats.figures import FIGURES

    client = english(logged_in(world.p.researcher))
    page = client.get(reverse("stats:dictionary")).content.decode()
    for figure in FIGURES:
        assert f'id="{figure.key}"' in page
        assert str(figure.formula).replace("'", "&#x27;")[:40] in page
    assert "Not yet available" not in page  # every figure of the issue has its data now
