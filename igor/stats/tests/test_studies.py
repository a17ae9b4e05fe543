"""Studies and research extracts: registration, scope, pseudonyms, k-anonymity, audit, tasks."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from igor.audit.models import AuditEvent
from igor.stats import actions
from igor.stats.anonymity import SUPPRESSED, smallest_group
from igor.stats.extracts import VARIABLE_KEYS, ladders_for
from igor.stats.models import Extract, ExtractStatus, Study
from igor.stats.tests.test_views import english
from igor.stats.tests.world import Figures, build
from tests.personas import Personas, logged_in

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(personas: Personas) -> Figures:
    return build(personas)


def _study(p: Personas, name: str = "Återfall efter IGOR", **changes: Any) -> Study:
    fields: dict[str, Any] = {
        "actor": p.lead_a,
        "name": name,
        "ethics_reference": "Dnr 2026-01234-01",
        "period_start": D(2024, 1, 1),
        "period_end": D(2026, 12, 31),
        "units": [p.unit_a],
        "variables": list(VARIABLE_KEYS),
        "researcher": p.researcher,
        "k": 2,
    }
    fields.update(changes)
    return actions.register_study(**fields)


def _extract(
    p: Personas, study: Study, django_capture_on_commit_callbacks, **changes: Any
) -> Extract:
    fields: dict[str, Any] = {
        "actor": p.researcher,
        "study": study,
        "period_start": study.period_start,
        "period_end": study.period_end,
        "units": list(study.units.all()),
    }
    fields.update(changes)
    with django_capture_on_commit_callbacks(execute=True):
        extract = actions.request_extract(**fields)
    extract.refresh_from_db()
    return extract


def _rows(extract: Extract) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(bytes(extract.content or b""))) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "data-dictionary.csv", "extract.csv"]
        text = archive.read("extract.csv").decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_an_extract_is_pseudonymised_coarsened_free_of_text_and_k_anonymous(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    study = _study(world.p)
    extract = _extract(world.p, study, django_capture_on_commit_callbacks)
    assert extract.status == ExtractStatus.DONE, extract.error
    rows = _rows(extract)
    assert extract.rows == len(rows) and rows
    # Read every file inside the archive: the compressed bytes can spell anything by chance.
    with zipfile.ZipFile(io.BytesIO(bytes(extract.content or b""))) as archive:
        text = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert "Testärende" not in text and "Testsson" not in text and "V1" not in text
    for row in rows:
        assert row["case"].startswith("C-")
        assert (
            row["opened_month"] == SUPPRESSED
            or len(row["opened_month"]) in (4, 7)
            or "Q" in row["opened_month"]
        )
    quasi = sorted(ladders_for(study.variables))
    assert smallest_group(rows, quasi) >= study.k


def test_requirement_40_reidentification_attempt_on_a_real_extract(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    """Join the extract on every quasi-identifier: no combination matches fewer than k rows."""
    study = _study(world.p, k=3)
    rows = _rows(_extract(world.p, study, django_capture_on_commit_callbacks))
    quasi = sorted(ladders_for(study.variables))
    groups: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple(row[q] for q in quasi)
        groups[key] = groups.get(key, 0) + 1
    assert all(size >= 3 for size in groups.values())


def test_pseudonyms_are_stable_within_a_study_and_differ_between_studies(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    one = _study(world.p, variables=["victim", "perpetrator", "status"])
    other = _study(world.p, name="En annan studie", variables=["victim", "perpetrator", "status"])
    first = _rows(_extract(world.p, one, django_capture_on_commit_callbacks))
    again = _rows(_extract(world.p, one, django_capture_on_commit_callbacks))
    elsewhere = _rows(_extract(world.p, other, django_capture_on_commit_callbacks))
    assert [r["victim"] for r in first] == [r["victim"] for r in again]
    assert not {r["victim"] for r in first if r["victim"]} & {r["victim"] for r in elsewhere}
    # V1 is the victim in C1 and C4: one pseudonym for both rows.
    victims = [r["victim"] for r in first if r["victim"]]
    assert len(victims) > len(set(victims))


def test_a_study_needs_an_ethics_reference(world: Figures) -> None:
    with pytest.raises(ValidationError) as error:
        _study(world.p, ethics_reference="  ")
    assert "ethics_reference" in error.value.message_dict
    assert not Study.objects.exists()


def test_a_study_cannot_cover_another_units_data(world: Figures) -> None:
    with pytest.raises(ValidationError) as error:
        _study(world.p, units=[world.p.unit_a, world.p.unit_b])
    assert error.value.message_dict["units"] == ["A study can only cover your own units."]


def test_an_extract_cannot_reach_beyond_the_studys_scope(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    study = _study(world.p)
    with pytest.raises(ValidationError) as error:
        _extract(world.p, study, django_capture_on_commit_callbacks, units=[world.p.unit_b])
    assert error.value.message_dict["units"] == ["The extract can only cover the study's units."]
    with pytest.raises(ValidationError) as error:
        _extract(world.p, study, django_capture_on_commit_callbacks, period_start=D(2020, 1, 1))
    assert "period_start" in error.value.message_dict
    assert not Extract.objects.exists()


def test_a_failed_extract_fails_cleanly_and_can_be_started_again(
    world: Figures, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    study = _study(world.p)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("igor.stats.extracts.package", broken)
    extract = _extract(world.p, study, django_capture_on_commit_callbacks)
    assert extract.status == ExtractStatus.FAILED and extract.error == "RuntimeError"
    assert not extract.content
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_extract(actor=world.p.researcher, extract=extract)
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.DONE and extract.attempts == 2


def test_a_finished_extract_cannot_be_restarted(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    extract = _extract(world.p, _study(world.p), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        actions.retry_extract(actor=world.p.researcher, extract=extract)


def test_extract_pages_progress_download_and_the_export_register(
    world: Figures, django_capture_on_commit_callbacks
) -> None:
    study = _study(world.p)
    client = english(logged_in(world.p.researcher))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("stats:study", args=[study.pk]),
            {
                "period_start": "2024-01-01",
                "period_end": "2026-12-31",
                "units": [world.p.unit_a.pk],
            },
        )
    assert response.status_code == 302
    extract = Extract.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "Ready" in page
    download = client.get(reverse("stats:download_extract", args=[study.pk, extract.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert (
        AuditEvent.objects.filter(
            verb="export", object_type="extract", object_id=extract.pk, actor=world.p.researcher
        ).count()
        == 2
    )
    register = client.get(reverse("stats:register")).content.decode()
    assert "Dnr 2026-01234-01" in register and extract.sha256[:10] in register


def test_the_extract_page_refuses_bad_input_with_a_message(world: Figures) -> None:
    study = _study(world.p)
    client = english(logged_in(world.p.researcher))
    response = client.post(
        reverse("stats:study", args=[study.pk]),
        {"period_start": "2026-01-01", "period_end": "2025-01-01", "units": [world.p.unit_b.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page
    assert "The period ends before it starts." in page
    assert not Extract.objects.exists()


def test_registering_a_study_through_the_page(world: Figures) -> None:
    client = english(logged_in(world.p.lead_a))
    data = {
        "name": "Stöd till våldsutsatta",
        "ethics_reference": "",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "units": [world.p.unit_a.pk],
        "variables": ["status", "victim_gender"],
        "researcher": world.p.researcher.pk,
        "k": 5,
    }
    response = client.post(reverse("stats:register_study"), data)
    assert response.status_code == 200
    assert "A study needs the reference of its ethics approval" in response.content.decode()
    response = client.post(
        reverse("stats:register_study"),
        {**data, "units": [world.p.unit_b.pk], "ethics_reference": "Dnr 1"},
    )
    assert "A study can only cover your own units." in response.content.decode()
    response = client.post(
        reverse("stats:register_study"), {**data, "ethics_reference": "Dnr 2026-1"}
    )
    assert response.status_code == 302
    study = Study.objects.get()
    assert AuditEvent.objects.filter(
        verb="create", object_type="study", object_id=study.pk
    ).exists()


def test_who_sees_a_study(world: Figures) -> None:
    study = _study(world.p)
    url = reverse("stats:study", args=[study.pk])
    assert logged_in(world.p.researcher).get(url).status_code == 200
    assert logged_in(world.p.lead_a).get(url).status_code == 200
    assert logged_in(world.p.lead_b).get(url).status_code == 404  # another unit's study
    assert logged_in(world.p.police_a).get(url).status_code == 403
    assert logged_in(world.p.researcher).get(reverse("stats:register_study")).status_code == 403


def test_a_researcher_sees_the_figures_of_the_units_of_their_studies(world: Figures) -> None:
    client = english(logged_in(world.p.researcher))
    page = client.get(reverse("stats:dashboard")).content.decode()
    assert world.p.unit_a.name not in page
    _study(world.p)
    page = client.get(reverse("stats:dashboard")).content.decode()
    assert world.p.unit_a.name in page
