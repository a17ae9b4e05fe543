"""The staff side: the triage rule, the steps of triage, bad input, notifications, the poster."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from django.core import mail
from pypdf import PdfReader

from igor.audit.models import AuditEvent
from igor.tips import actions
from igor.tips.models import Tip
from igor.tips.tests.make import FULL_TIP, TipWorld, send_tip
from tests.builders import make_case, make_person
from tests.personas import logged_in

RAW = FULL_TIP["what_happened"]
CONTACT = "Tipsare Testsson"


def _summarised(world: TipWorld) -> Tip:
    return actions.write_summary(
        actor=world.p.triage_a, tip=world.tip, summary="Oro för en familj.", protect_tipster=True
    )


def test_only_triage_reads_the_raw_tip_and_the_contact_details(world: TipWorld) -> None:
    _summarised(world)
    path = f"/tips/{world.tip.pk}/"
    triage = logged_in(world.p.triage_a).get(path).content.decode()
    assert RAW in triage and CONTACT in triage and "Oro för en familj." in triage
    for user in (world.p.police_a, world.p.social_a, world.p.lead_a):
        html = logged_in(user).get(path).content.decode()
        assert "Oro för en familj." in html, user
        assert RAW not in html and CONTACT not in html, user
        assert "Skydda tipsaren" in html or "Protect the tipster" in html
    for user in (world.p.police_b, world.p.triage_b, world.p.lead_b):
        assert logged_in(user).get(path).status_code == 404, user
    for user in (world.p.researcher, world.p.admin):
        assert logged_in(user).get(path).status_code == 403, user


def test_reading_a_tip_is_audited_with_whether_the_raw_tip_was_shown(world: TipWorld) -> None:
    logged_in(world.p.triage_a).get(f"/tips/{world.tip.pk}/")
    logged_in(world.p.police_a).get(f"/tips/{world.tip.pk}/")
    reads = AuditEvent.objects.filter(verb="read", object_type="tip", object_id=world.tip.pk)
    assert {(e.actor_id, e.data["raw"]) for e in reads} == {
        (world.p.triage_a.pk, True),
        (world.p.police_a.pk, False),
    }


def test_the_queue_shows_age_urgency_and_status_but_never_content(world: TipWorld) -> None:
    html = logged_in(world.p.police_a).get("/tips/").content.decode()
    assert world.tip.reference in html
    assert RAW not in html and CONTACT not in html
    other = logged_in(world.p.police_b).get("/tips/").content.decode()
    assert world.tip.reference not in other


def test_triage_writes_the_summary_sets_urgency_and_closes_with_an_outcome(world: TipWorld) -> None:
    client = logged_in(world.p.triage_a)
    base = f"/tips/{world.tip.pk}/"
    assert (
        client.post(
            base + "triage/", {"urgency": "acute", "assigned_to": world.p.social_a.pk}
        ).status_code
        == 302
    )
    assert (
        client.post(
            base + "sammanfattning/",
            {"summary": "Kort och utan tipsaren.", "protect_tipster": "on"},
        ).status_code
        == 302
    )
    assert client.post(base + "nytt-arende/", {"title": "Från tips"}).status_code == 302
    assert client.post(base + "utfall/", {"outcome": "new_case", "reason": ""}).status_code == 302
    tip = Tip.objects.get(pk=world.tip.pk)
    assert (tip.urgency, tip.status, tip.outcome, tip.protect_tipster) == (
        "acute",
        "closed",
        "new_case",
        True,
    )
    assert tip.case is not None and tip.case.summary == "Kort och utan tipsaren."
    assert RAW not in tip.case.summary


def test_bad_triage_input_is_explained_and_nothing_changes(world: TipWorld) -> None:
    client = logged_in(world.p.triage_a)
    base = f"/tips/{world.tip.pk}/"
    empty = client.post(base + "sammanfattning/", {"summary": " "})
    assert empty.status_code == 422 and "error-summary" in empty.content.decode()
    no_reason = client.post(base + "utfall/", {"outcome": "no_action", "reason": ""})
    assert no_reason.status_code == 422
    no_case = client.post(base + "arende/", {"reference": "2026-9999999"})
    assert no_case.status_code == 422
    unknown = client.post(base + "triage/", {"urgency": "whenever"})
    assert unknown.status_code == 422
    tip = Tip.objects.get(pk=world.tip.pk)
    assert (tip.status, tip.summary, tip.case_id, tip.outcome) == ("new", "", None, "")


def test_triage_links_persons_and_cases_it_may_see_only(world: TipWorld) -> None:
    social_person = make_person(world.p.social_a, first_name="Siv")
    police_person = make_person(world.p.police_a, first_name="Pia")
    client = logged_in(world.p.triage_a)
    base = f"/tips/{world.tip.pk}/"
    results = client.post(base + "personer/", {"q": social_person.last_name}).content.decode()
    assert "Siv" in results
    assert client.post(base + "personer/", {"person": social_person.pk}).status_code == 302
    assert client.post(base + "personer/", {"person": police_person.pk}).status_code == 404
    police_case = make_case(world.p.police_a)
    assert client.post(base + "arende/", {"reference": police_case.reference}).status_code == 422
    assert list(world.tip.person_links.values_list("person_id", flat=True)) == [social_person.pk]


def test_case_workers_and_the_wrong_method_cannot_triage(world: TipWorld) -> None:
    base = f"/tips/{world.tip.pk}/"
    police = logged_in(world.p.police_a)
    assert police.post(base + "sammanfattning/", {"summary": "x"}).status_code == 403
    assert logged_in(world.p.triage_a).get(base + "sammanfattning/").status_code == 405
    assert (
        logged_in(world.p.triage_b).post(base + "sammanfattning/", {"summary": "x"}).status_code
        == 404
    )
    assert Tip.objects.get(pk=world.tip.pk).summary == ""


def test_the_tipster_reads_the_units_question_and_staff_see_the_answer(world: TipWorld) -> None:
    client = logged_in(world.p.triage_a)
    response = client.post(f"/tips/{world.tip.pk}/meddelande/", {"body": "Hur gamla är barnen?"})
    assert response.status_code == 302
    assert world.tip.messages.get().from_unit


def test_staff_are_told_only_that_a_tip_came_in(world: TipWorld, settings) -> None:
    world.p.triage_a.email = "tove@example.com"
    world.p.triage_a.save()
    world.p.police_a.email = "petra@example.com"
    world.p.police_a.save()
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        send_tip(world.p.unit_a, what_happened="Hemlig detalj om grannen")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tove@example.com"]
    text = f"{message.subject} {message.body}"
    assert "Hemlig" not in text and "grannen" not in text


def test_the_addresses_told_of_a_new_tip_follow_changes_of_the_staff(world: TipWorld) -> None:
    from django.test import TestCase

    from igor.accounts.actions import deactivate_user

    def told() -> list[str]:
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            send_tip(world.p.unit_a, what_happened="Skrik från lägenheten")
        return [address for message in mail.outbox for address in message.to]

    triage = world.p.triage_a
    triage.email = "tove@example.com"
    triage.save()
    assert told() == ["tove@example.com"]
    triage.email = "tove.ny@example.com"
    triage.save()
    assert told() == ["tove.ny@example.com"]
    triage.units.remove(world.p.unit_a)
    assert told() == []
    triage.units.add(world.p.unit_a)
    assert told() == ["tove.ny@example.com"]
    deactivate_user(actor=world.p.admin, user=triage)
    assert told() == []


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_the_poster_is_a_tagged_pdf_whose_qr_codes_open_the_tip_page(
    world: TipWorld, size: str
) -> None:
    client = logged_in(world.p.lead_a)
    response = client.get("/tips/linje/affisch/", {"language": "ar", "size": size})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    catalog: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sv"
    decoded = set()
    for page in reader.pages:
        for image in page.images:
            for barcode in zxingcpp.read_barcodes(image.image):
                decoded.add(barcode.text)
    assert decoded == {
        "http://testserver/t/sodermalm/sv/tipsa/",
        "http://testserver/t/sodermalm/ar/tipsa/",
    }
    text = "".join(page.extract_text() for page in reader.pages)
    assert "112" in text
    assert AuditEvent.objects.filter(verb="export", object_type="tip_poster").exists()


def test_only_the_lead_makes_posters_and_edits_the_help_directory(world: TipWorld) -> None:
    assert (
        logged_in(world.p.police_a).get("/tips/linje/affisch/", {"language": "en"}).status_code
        == 403
    )
    lead = logged_in(world.p.lead_a)
    bad = lead.post("/tips/linje/stod/ny/", {"name": "", "helps_with": "x", "position": 0})
    assert bad.status_code == 422
    ok = lead.post(
        "/tips/linje/stod/ny/",
        {"name": "Kvinnojouren", "helps_with": "Stöd", "phone": "08-123", "position": 1},
    )
    assert ok.status_code == 302
    public = logged_in(world.p.lead_a).get("/t/sodermalm/sv/stod/").content.decode()
    assert "Kvinnojouren" in public and "112" in public and "114 14" in public
