"""The public side end to end with a test client: the tip in steps, the receipt, the dialogue."""

from __future__ import annotations

from igor.audit.models import AuditEvent
from igor.tips import actions
from igor.tips.models import ContactDetails, Draft, Message, ReceiptHandover, Tip
from igor.tips.tests.make import TipWorld, Visitor


def test_it_takes_a_tip_in_steps_and_gives_a_code_that_opens_the_dialogue(
    world: TipWorld,
) -> None:
    before = Tip.objects.count()
    visitor = Visitor()
    response = visitor.send_tip()
    assert response.status_code == 302
    assert Tip.objects.count() == before + 1
    assert Draft.objects.count() == 0
    code = visitor.receipt_code()
    assert len(code.replace(" ", "")) == 28
    tip = Tip.objects.order_by("-id").first()
    assert tip is not None and tip.what_happened.startswith("Skrik")
    assert code.replace(" ", "") not in (tip.receipt_hash or "")
    # "Have you saved it?": the last four digits
    wrong = visitor.post("kod/", {"last_digits": "0000" if code[-4:] != "0000" else "1111"})
    assert wrong.status_code == 422
    saved = visitor.post("kod/", {"last_digits": code[-4:]})
    assert saved.status_code == 302
    assert not ReceiptHandover.objects.filter(tip=tip).exists()
    actions.reply_to_tipster(actor=world.p.triage_a, tip=tip, body="Hur många barn bor där?")
    later = Visitor()
    later.get("svar/")
    opened = later.post("svar/", {"code": code})
    assert opened.status_code == 302
    page = later.get("svar/samtal/")
    assert "Hur många barn bor där?" in page.content.decode()
    answer = later.post("svar/samtal/", {"body": "Två barn, kanske fem och sju år."})
    assert answer.status_code == 302
    assert Message.objects.filter(tip=tip, from_unit=False).count() == 1
    assert AuditEvent.objects.filter(
        object_type="tip", object_id=tip.pk, actor_label="tipster"
    ).exists()


def test_it_answers_a_wrong_code_like_an_unknown_one(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("svar/")
    wrong = visitor.post("svar/", {"code": "1234 5678 1234 5678 1234 5678 1234"})
    malformed = visitor.post("svar/", {"code": "12"})
    assert wrong.status_code == malformed.status_code == 422
    assert (
        "no open conversation" in wrong.content.decode()
        or "ingen" in wrong.content.decode().lower()
    )


def test_it_keeps_contact_details_apart_and_only_when_given(world: TipWorld) -> None:
    anonymous = Visitor()
    anonymous.send_tip()
    named = Visitor()
    named.send_tip(contact={"name": "Anna Andersson", "phone": "070-174 06 60"})
    tips = list(Tip.objects.order_by("-id")[:2])
    assert ContactDetails.objects.filter(tip=tips[0]).get().name == "Anna Andersson"
    assert not ContactDetails.objects.filter(tip=tips[1]).exists()


def test_the_quick_exit_deletes_the_draft_and_the_session(world: TipWorld) -> None:
    visitor = Visitor()
    visitor.get("tipsa/")
    visitor.post("tipsa/", {"step": 1, "danger_now": "no"})
    visitor.post("tipsa/", {"step": 2, "what_happened": "Halvfärdigt"})
    assert Draft.objects.count() == 1
    response = visitor.client.get("/t/exit/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://")
    assert "cookies" in response["Clear-Site-Data"]
    assert Draft.objects.count() == 0
    again = visitor.get("tipsa/")
    assert "Step 1" in again.content.decode() or "Steg 1" in again.content.decode()
